package gateway

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on callback requests. Anything over them is answered 400 (413 for
// the body, 414 for the query) and reaches no Callbacks method.
const (
	// MaxBodyBytes bounds a POST body.
	MaxBodyBytes = 64 << 10
	// MaxQueryBytes bounds the query string (GET callbacks carry the whole
	// text there, percent-encoded).
	MaxQueryBytes = 16 << 10
	// MaxMessageBytes bounds the text of an inbound message (UTF-8 bytes);
	// ten concatenated parts of UCS-2 fit.
	MaxMessageBytes = 4096
	// MaxNumberBytes bounds `to` and `from`.
	MaxNumberBytes = 32
	// MaxReferenceBytes bounds `ref` and `smsref`.
	MaxReferenceBytes = 64
	// MaxStatusBytes bounds `status`.
	MaxStatusBytes = 64
)

// Normalised delivery states, the outgoing message states of the store.
const (
	StateDelivered = "delivered"
	StateExpired   = "expired"
	StateFailed    = "failed"
)

// InboundCallback is a text received by the gateway, as the provider reports
// it. Numbers are as the provider sends them (typically international digits
// without +); turning them into E.164 is the receiver's job.
type InboundCallback struct {
	// To is our gateway number that received the text.
	To string
	// From is the sender's number.
	From string
	// Message is the text, valid UTF-8 (it may be empty).
	Message string
	// Ref is our reference of the message this one replies to, if the
	// provider knows it.
	Ref string
}

// Key is a stable digest of all four fields: the same callback delivered again
// (providers retry) has the same Key, so a store can keep it once.
func (cb InboundCallback) Key() string {
	h := sha256.New()
	for _, f := range []string{cb.To, cb.From, cb.Message, cb.Ref} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// StatusCallback is a delivery report for a message we sent.
type StatusCallback struct {
	// To is the recipient's number.
	To string
	// Ref is our reference given at send time (the message id).
	Ref string
	// SMSRef is the provider's reference (Result.ProviderRef); may be empty.
	SMSRef string
	// Status is the provider's word, e.g. "Delivered".
	Status string
	// State is Status normalised: StateDelivered, StateExpired, StateFailed,
	// or "" for a status that is not final (e.g. "Pending").
	State string
}

// NormaliseStatus maps a provider status word to a delivery state, "" when it
// is not a final state.
func NormaliseStatus(status string) string {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "delivered", "delivrd":
		return StateDelivered
	case "expired":
		return StateExpired
	case "failed", "undelivered", "undeliverable", "undeliv", "rejected", "rejectd":
		return StateFailed
	}
	return ""
}

// Callbacks is what the handler needs from the database. Implementations must
// be safe for concurrent use; errors make the handler answer 500 so that the
// provider retries.
type Callbacks interface {
	// Inbound stores a received text (classifying it and queueing any
	// auto-reply), or reports duplicate when the same callback was already
	// stored.
	Inbound(ctx context.Context, cb InboundCallback) (duplicate bool, err error)
	// Status applies a delivery report to the message whose reference is
	// cb.Ref; found is false when there is no such message.
	Status(ctx context.Context, cb StatusCallback) (found bool, err error)
}

// Pinger is optionally implemented by a Callbacks; /healthz then answers 503
// while Ping fails.
type Pinger interface {
	Ping(ctx context.Context) error
}

// healthTimeout bounds a Ping from /healthz.
const healthTimeout = 2 * time.Second

// handler routes and answers the provider's callbacks.
type handler struct {
	cb     Callbacks
	token  [sha256.Size]byte // digest of the secret: compared in constant time whatever its length
	open   bool              // a token is configured; without one every callback is refused
	logger *slog.Logger
}

// NewHandler answers the provider's callbacks and health checks:
//
//	GET|POST /api/inbound?token=T  fields to, from, message, ref  → Callbacks.Inbound
//	GET|POST /api/status?token=T   fields to, ref, smsref, status → Callbacks.Status
//	GET|HEAD /healthz
//
// Fields come from the query (GET) or a form body (POST, urlencoded or
// multipart). A request whose query does not carry exactly one token equal to
// token gets 403; an empty token refuses everything. Then: 405 for other
// methods, 413 for a body over MaxBodyBytes, 414 for a query over
// MaxQueryBytes, 400 for a missing, repeated, over-long or non-UTF-8 field;
// none of these calls cb. A stored callback, a duplicate and a status for an
// unknown reference all get 200 "OK" (the provider must stop retrying); a
// Callbacks error gets 500. Each request is logged once (method, path,
// status, duration, remote address, outcome), never with its query, token or
// text.
func NewHandler(cb Callbacks, token string, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &handler{cb: cb, token: sha256.Sum256([]byte(token)), open: token != "", logger: logger}
}

// outcome is what a route did, for the request's log line.
type outcome struct {
	status int
	what   string // short, secret-free: "stored", "duplicate", "missing field from" …
	err    error
}

// ServeHTTP routes by path, answers, and logs one line.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var o outcome
	switch r.URL.Path {
	case "/api/inbound":
		o = h.callback(w, r, h.inbound)
	case "/api/status":
		o = h.callback(w, r, h.status)
	case "/healthz":
		o = h.health(w, r)
	default:
		o = outcome{status: http.StatusNotFound, what: "no such path"}
	}
	h.reply(w, o)

	level := slog.LevelInfo
	switch {
	case o.status >= 500:
		level = slog.LevelError
	case o.status >= 400:
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", o.status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("remote", r.RemoteAddr),
		slog.String("outcome", o.what),
	}
	if o.err != nil {
		attrs = append(attrs, slog.String("err", o.err.Error()))
	}
	h.logger.LogAttrs(r.Context(), level, "callback", attrs...)
}

// reply writes the answer for an outcome.
func (h *handler) reply(w http.ResponseWriter, o outcome) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(o.status)
	switch {
	case o.status == http.StatusOK:
		fmt.Fprintln(w, "OK")
	case o.status == http.StatusBadRequest:
		fmt.Fprintln(w, "bad request:", o.what)
	default:
		fmt.Fprintln(w, strings.ToLower(http.StatusText(o.status)))
	}
}

// callback authenticates, checks the method, reads the fields and hands them
// to a route; nothing reaches the route unless all of that passed.
func (h *handler) callback(w http.ResponseWriter, r *http.Request, route func(context.Context, url.Values) outcome) outcome {
	if len(r.URL.RawQuery) > MaxQueryBytes {
		return outcome{status: http.StatusRequestURITooLong, what: "query too long"}
	}
	if !h.authorised(r) {
		return outcome{status: http.StatusForbidden, what: "bad or missing token"}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		return outcome{status: http.StatusMethodNotAllowed, what: "method not allowed"}
	}
	form, o := readForm(w, r)
	if o.status != 0 {
		return o
	}
	return route(r.Context(), form)
}

// authorised reports whether the query carries exactly one token, equal to
// the configured one.
func (h *handler) authorised(r *http.Request) bool {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil || !h.open {
		return false
	}
	got := q["token"]
	if len(got) != 1 {
		return false
	}
	sum := sha256.Sum256([]byte(got[0]))
	return subtle.ConstantTimeCompare(sum[:], h.token[:]) == 1
}

// readForm parses the query and, for POST, a urlencoded or multipart body no
// larger than MaxBodyBytes. A non-zero outcome status means the request is
// refused.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, outcome) {
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	}
	var err error
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method == http.MethodPost && mt == "multipart/form-data" {
		err = r.ParseMultipartForm(MaxBodyBytes)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
			if err == nil && len(r.MultipartForm.File) > 0 {
				return nil, outcome{status: http.StatusBadRequest, what: "file upload"}
			}
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, outcome{status: http.StatusRequestEntityTooLarge, what: "body too large"}
		}
		return nil, outcome{status: http.StatusBadRequest, what: "malformed form"}
	}
	return r.Form, outcome{}
}

// fieldSpec says how one callback field is checked.
type fieldSpec struct {
	name     string
	max      int
	required bool // must be present and, unless emptyOK, non-empty
	emptyOK  bool
	text     bool // free text: tabs and newlines allowed
}

// fields reads and checks a set of fields; the error text names the field
// and the problem, never its value.
func fields(form url.Values, specs ...fieldSpec) (map[string]string, error) {
	out := make(map[string]string, len(specs))
	for _, s := range specs {
		vs := form[s.name]
		switch {
		case len(vs) > 1:
			return nil, fmt.Errorf("field %s given %d times", s.name, len(vs))
		case len(vs) == 0 || (vs[0] == "" && !s.emptyOK):
			if s.required {
				return nil, fmt.Errorf("missing field %s", s.name)
			}
			continue
		}
		v := vs[0]
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("field %s is not valid UTF-8", s.name)
		}
		if len(v) > s.max {
			return nil, fmt.Errorf("field %s longer than %d bytes", s.name, s.max)
		}
		for _, c := range v {
			if c < 0x20 && !(s.text && (c == '\n' || c == '\r' || c == '\t')) || c == 0x7f {
				return nil, fmt.Errorf("field %s has a control character", s.name)
			}
		}
		out[s.name] = v
	}
	return out, nil
}

// inbound stores a received text.
func (h *handler) inbound(ctx context.Context, form url.Values) outcome {
	f, err := fields(form,
		fieldSpec{name: "to", max: MaxNumberBytes, required: true},
		fieldSpec{name: "from", max: MaxNumberBytes, required: true},
		fieldSpec{name: "message", max: MaxMessageBytes, required: true, emptyOK: true, text: true},
		fieldSpec{name: "ref", max: MaxReferenceBytes},
	)
	if err != nil {
		return outcome{status: http.StatusBadRequest, what: err.Error()}
	}
	dup, err := h.cb.Inbound(ctx, InboundCallback{To: f["to"], From: f["from"], Message: f["message"], Ref: f["ref"]})
	switch {
	case err != nil:
		return outcome{status: http.StatusInternalServerError, what: "store failed", err: err}
	case dup:
		return outcome{status: http.StatusOK, what: "duplicate"}
	}
	return outcome{status: http.StatusOK, what: "stored"}
}

// status applies a delivery report.
func (h *handler) status(ctx context.Context, form url.Values) outcome {
	f, err := fields(form,
		fieldSpec{name: "to", max: MaxNumberBytes, required: true},
		fieldSpec{name: "ref", max: MaxReferenceBytes, required: true},
		fieldSpec{name: "smsref", max: MaxReferenceBytes},
		fieldSpec{name: "status", max: MaxStatusBytes, required: true},
	)
	if err != nil {
		return outcome{status: http.StatusBadRequest, what: err.Error()}
	}
	cb := StatusCallback{To: f["to"], Ref: f["ref"], SMSRef: f["smsref"], Status: f["status"]}
	cb.State = NormaliseStatus(cb.Status)
	found, err := h.cb.Status(ctx, cb)
	switch {
	case err != nil:
		return outcome{status: http.StatusInternalServerError, what: "store failed", err: err}
	case !found:
		return outcome{status: http.StatusOK, what: "no message with ref " + strconv.Quote(cb.Ref)}
	}
	return outcome{status: http.StatusOK, what: "status " + cmp.Or(cb.State, "not final")}
}

// health answers /healthz, asking the Callbacks when they can be pinged.
func (h *handler) health(w http.ResponseWriter, r *http.Request) outcome {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return outcome{status: http.StatusMethodNotAllowed, what: "method not allowed"}
	}
	if p, ok := h.cb.(Pinger); ok {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := p.Ping(ctx); err != nil {
			return outcome{status: http.StatusServiceUnavailable, what: "database unavailable", err: err}
		}
	}
	return outcome{status: http.StatusOK, what: "healthy"}
}
