package tunnel

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// counterValue gathers h's metrics and returns the value of the series
// name whose only label has the given value ("" for no label).
func counterValue(t testing.TB, h *Handler, name, label string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	if err := reg.Register(h); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if label != "" && (len(m.GetLabel()) != 1 || m.GetLabel()[0].GetValue() != label) {
				continue
			}
			return value(m)
		}
	}
	return 0
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return 0
}

func TestMetricsBytesAndOpen(t *testing.T) {
	e := newEnv(t, Config{})
	ws := open(t, e.url("mx.example.test", "993"), nil)
	if err := roundTrip(ws, "0123456789"); err != nil {
		t.Fatal(err)
	}
	if got := counterValue(t, e.h, "mailwire_tunnels_open", ""); got != 1 {
		t.Errorf("open = %v, want 1", got)
	}
	ws.Close()
	waitFor(t, "the tunnel to close", func() bool { return e.h.Open() == 0 })
	for _, c := range []struct {
		name, label string
		want        float64
	}{
		{"mailwire_tunnel_bytes_total", "up", 10},
		{"mailwire_tunnel_bytes_total", "down", 10},
		{"mailwire_tunnels_opened_total", "", 1},
		{"mailwire_tunnel_closes_total", "page_closed", 1},
		{"mailwire_tunnels_open", "", 0},
	} {
		if got := counterValue(t, e.h, c.name, c.label); got != c.want {
			t.Errorf("%s{%s} = %v, want %v", c.name, c.label, got, c.want)
		}
	}
}
