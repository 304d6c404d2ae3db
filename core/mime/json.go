package mime

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// The JSON model is what the browser and `mailwire mime --json` get. Ranges
// are [start, end) pairs of byte offsets; diagnostics carry offset and len.
// Each node's "rangesIn" says which bytes its offsets index: "input", or
// "decoded:<path>" for nodes inside an encoded message/rfc822 whose decoded
// body is the one at <path>.

// MarshalJSON encodes the whole tree.
func (m *Message) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.model())
}

type jsonMessage struct {
	Size  int       `json:"size"`
	Parts int       `json:"parts"`
	Root  *jsonNode `json:"root"`
}

type jsonRanges struct {
	Part       [2]int   `json:"part"`
	MboxFrom   *[2]int  `json:"mboxFrom,omitempty"`
	Header     [2]int   `json:"header"`
	Body       [2]int   `json:"body"`
	Boundaries [][2]int `json:"boundaries,omitempty"`
	Preamble   *[2]int  `json:"preamble,omitempty"`
	Epilogue   *[2]int  `json:"epilogue,omitempty"`
}

type jsonField struct {
	Name    string `json:"name"`
	Raw     string `json:"raw"`
	Value   string `json:"value"`
	Decoded string `json:"decoded"`
	Range   [2]int `json:"range"`
	Meaning string `json:"meaning,omitempty"`
	RFC     string `json:"rfc,omitempty"`
}

type jsonHop struct {
	Field        int      `json:"field"`
	From         string   `json:"from,omitempty"`
	By           string   `json:"by,omitempty"`
	Via          string   `json:"via,omitempty"`
	With         string   `json:"with,omitempty"`
	ID           string   `json:"id,omitempty"`
	For          string   `json:"for,omitempty"`
	Date         string   `json:"date,omitempty"` // RFC 3339, in the hop's own zone
	DateText     string   `json:"dateText,omitempty"`
	DelaySeconds *float64 `json:"delaySeconds"`
}

type jsonAttachment struct {
	Filename    string       `json:"filename"`
	Mode        string       `json:"mode"`
	Size        int          `json:"size"`
	SHA256      string       `json:"sha256"`
	Range       [2]int       `json:"range"`
	RangeIn     string       `json:"rangeIn"` // "source" (the part's source) or "body" (its decoded body)
	Diagnostics []Diagnostic `json:"diagnostics"`
}

type jsonNode struct {
	Path              string            `json:"path"`
	ContentType       string            `json:"contentType"`
	Params            map[string]string `json:"params"`
	Disposition       string            `json:"disposition"`
	DispositionParams map[string]string `json:"dispositionParams,omitempty"`
	Filename          string            `json:"filename"`
	TransferEncoding  string            `json:"transferEncoding"`
	Charset           string            `json:"charset,omitempty"`
	Message           bool              `json:"message,omitempty"`
	RangesIn          string            `json:"rangesIn"`
	Ranges            jsonRanges        `json:"ranges"`
	Size              int               `json:"size"`
	SHA256            string            `json:"sha256"`
	TextSize          *int              `json:"textSize,omitempty"`
	Headers           []jsonField       `json:"headers"`
	Received          []jsonHop         `json:"received,omitempty"`
	Attachments       []jsonAttachment  `json:"attachments,omitempty"`
	Diagnostics       []Diagnostic      `json:"diagnostics"`
	Children          []*jsonNode       `json:"children"`
}

func pair(r Range) [2]int { return [2]int{r.Start, r.End} }

func optPair(r Range) *[2]int {
	if !r.Valid() {
		return nil
	}
	p := pair(r)
	return &p
}

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (m *Message) model() *jsonMessage {
	return &jsonMessage{Size: len(m.Input), Parts: m.Parts, Root: m.nodeModel(m.Root)}
}

func (m *Message) nodeModel(p *Part) *jsonNode {
	n := &jsonNode{
		Path:              p.Path,
		ContentType:       p.ContentType,
		Params:            p.Params,
		Disposition:       p.Disposition,
		DispositionParams: p.DispositionParams,
		Filename:          p.Filename,
		TransferEncoding:  p.TransferEncoding,
		Charset:           p.Charset,
		Message:           p.Message,
		RangesIn:          "input",
		Size:              len(p.Body),
		SHA256:            hash(p.Body),
		Headers:           make([]jsonField, 0, len(p.Header)),
		Diagnostics:       p.Diagnostics,
		Children:          make([]*jsonNode, 0, len(p.Children)),
	}
	if n.Params == nil {
		n.Params = map[string]string{}
	}
	if n.Diagnostics == nil {
		n.Diagnostics = []Diagnostic{}
	}
	if p.Source != nil {
		n.RangesIn = "decoded:" + p.Source.Path
	}
	if p.Text != nil {
		l := len(p.Text)
		n.TextSize = &l
	}
	r := p.Ranges
	n.Ranges = jsonRanges{
		Part: pair(r.Part), MboxFrom: optPair(r.MboxFrom), Header: pair(r.Header), Body: pair(r.Body),
		Preamble: optPair(r.Preamble), Epilogue: optPair(r.Epilogue),
	}
	for _, b := range r.Boundaries {
		n.Ranges.Boundaries = append(n.Ranges.Boundaries, pair(b))
	}
	src := m.Source(p)
	for _, f := range p.Header {
		jf := jsonField{Name: f.Name, Raw: string(src[f.Range.Start:f.Range.End]), Value: f.Value, Decoded: f.Decoded, Range: pair(f.Range)}
		if fi, ok := LookupField(f.Name); ok {
			jf.Meaning, jf.RFC = fi.Meaning, fi.RFC
		}
		n.Headers = append(n.Headers, jf)
	}
	for _, h := range p.Received {
		jh := jsonHop{Field: h.Field, From: h.From, By: h.By, Via: h.Via, With: h.With, ID: h.ID, For: h.For, DateText: h.DateText}
		if !h.Date.IsZero() {
			jh.Date = h.Date.Format(time.RFC3339)
		}
		if h.HasDelay {
			s := h.Delay.Seconds()
			jh.DelaySeconds = &s
		}
		n.Received = append(n.Received, jh)
	}
	for _, a := range p.Attachments {
		ja := jsonAttachment{Filename: a.Filename, Mode: a.Mode, Size: len(a.Data), SHA256: hash(a.Data),
			Range: pair(a.Range), RangeIn: "source", Diagnostics: a.Diagnostics}
		if a.InBody {
			ja.RangeIn = "body"
		}
		if ja.Diagnostics == nil {
			ja.Diagnostics = []Diagnostic{}
		}
		n.Attachments = append(n.Attachments, ja)
	}
	for _, c := range p.Children {
		n.Children = append(n.Children, m.nodeModel(c))
	}
	return n
}
