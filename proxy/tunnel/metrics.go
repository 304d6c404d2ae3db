package tunnel

import "github.com/prometheus/client_golang/prometheus"

// metrics are the tunnel's Prometheus series. Nothing in them identifies a
// client, a token or a target.
type metrics struct {
	open     prometheus.GaugeFunc
	opened   prometheus.Counter
	bytes    *prometheus.CounterVec
	up, down prometheus.Counter
	refused  *prometheus.CounterVec
	closed   *prometheus.CounterVec
	dialFail prometheus.Counter
	duration prometheus.Histogram
}

func newMetrics(open func() float64) *metrics {
	m := &metrics{
		open: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mailwire_tunnels_open", Help: "Tunnels open now.",
		}, open),
		opened: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mailwire_tunnels_opened_total", Help: "Tunnels opened (connected to their mail server).",
		}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailwire_tunnel_bytes_total", Help: "Bytes carried by tunnels; direction up is page to server.",
		}, []string{"direction"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailwire_tunnel_refusals_total", Help: "Tunnels refused before dialling, by reason.",
		}, []string{"reason"}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mailwire_tunnel_closes_total", Help: "Open tunnels that ended, by reason.",
		}, []string{"reason"}),
		dialFail: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mailwire_tunnel_dial_failures_total", Help: "Tunnels whose mail server could not be reached.",
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "mailwire_tunnel_duration_seconds",
			Help:    "How long tunnels stayed open.",
			Buckets: []float64{1, 10, 60, 300, 1800, 3600, 4 * 3600},
		}),
	}
	m.up = m.bytes.WithLabelValues("up")
	m.down = m.bytes.WithLabelValues("down")
	return m
}

// Describe implements prometheus.Collector.
func (h *Handler) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range h.collectors() {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (h *Handler) Collect(ch chan<- prometheus.Metric) {
	for _, c := range h.collectors() {
		c.Collect(ch)
	}
}

func (h *Handler) collectors() []prometheus.Collector {
	m := h.m
	return []prometheus.Collector{m.open, m.opened, m.bytes, m.refused, m.closed, m.dialFail, m.duration}
}
