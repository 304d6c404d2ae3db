import { ConnectForm } from "./ConnectForm";
import { CommandLine } from "./CommandLine";
import { Timeline } from "./Timeline";

/** A live protocol session: connect, watch every byte, type commands. */
export function SessionView() {
  return (
    <section class="view view-session" aria-label="Live session">
      <ConnectForm />
      <Timeline />
      <CommandLine />
    </section>
  );
}
