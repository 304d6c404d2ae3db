/** The MIME explorer: paste, drop or open a message and see its tree. */
export function MessageView() {
  return (
    <section class="view view-message" aria-label="Message explorer">
      <p class="empty">The message explorer is being built.</p>
    </section>
  );
}
