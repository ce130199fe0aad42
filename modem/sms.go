package modem

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/modem/pdu"
)

// ErrInvalidText means the number or text cannot be put into a PDU; the
// text fails without a try (ClassRecipient).
var ErrInvalidText = errors.New("cannot encode the text")

// SendOptions tune one Send.
type SendOptions struct {
	// StatusReport asks the network for a delivery report per part.
	StatusReport bool
	// Validity is how long the network keeps trying; 0 for its default.
	Validity time.Duration
}

// SendResult is what Send did.
type SendResult struct {
	// Refs are the message references (+CMGS: <mr>) of the parts that went
	// out, in order; delivery reports carry them. -1 when a firmware
	// answered OK without a reference.
	Refs []int `json:"refs"`
	// Parts is how many SMS parts the text needs.
	Parts int `json:"parts"`
	// Tries is how many AT+CMGS were issued in all.
	Tries int `json:"tries"`
}

// Send splits text into SMS parts and sends each with AT+CMGS as docs/ARCHITECTURE.md
// (Modem) says: prompt (Timeouts.Prompt, ESC and a retry when none), PDU and Ctrl-Z,
// final result (Timeouts.Final). Transient errors are retried with back-off
// and a re-initialisation, at most the configured number of tries per part.
// An unknown outcome (+CMS ERROR: 500, silence after the PDU) is never
// retried: errors.Is(err, ErrUnknownOutcome). ClassOf(err) tells the rest.
// When a later part fails, the result holds the references of the parts
// that went out.
func (d *Dongle) Send(ctx context.Context, number, text string, opts SendOptions) (SendResult, error) {
	if until := d.parked(); !until.IsZero() {
		return SendResult{}, fmt.Errorf("send from %s: %w until %s", d.port, ErrParked, until.Format(time.RFC3339))
	}
	parts, err := pdu.EncodeSubmit(number, text, pdu.SubmitOptions{
		StatusReport: opts.StatusReport,
		Validity:     opts.Validity,
		ConcatRef:    d.nextConcatRef(),
	})
	if err != nil {
		return SendResult{}, fmt.Errorf("send to %s: %w: %w", number, ErrInvalidText, err)
	}
	res := SendResult{Parts: len(parts)}
	for i, p := range parts {
		mr, tries, err := d.sendPart(ctx, p)
		res.Tries += tries
		if err != nil {
			d.noteSend(err)
			return res, fmt.Errorf("send to %s from %s, part %d of %d: %w", number, d.port, i+1, len(parts), err)
		}
		res.Refs = append(res.Refs, mr)
	}
	d.noteSend(nil)
	return res, nil
}

func (d *Dongle) nextConcatRef() int {
	if d.cfg.concatRef != nil {
		return d.cfg.concatRef() & 0xff
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.concatRef = (d.concatRef + 1) & 0xff
	return d.concatRef
}

// sendPart sends one PDU, retrying transient failures.
func (d *Dongle) sendPart(ctx context.Context, p pdu.Part) (mr, tries int, err error) {
	cmd := "AT+CMGS=" + strconv.Itoa(p.TPDULength)
	backoff := d.cfg.backoff
	for tries = 1; ; tries++ {
		var info []string
		info, err = d.at.SMSCommand(ctx, cmd, p.Hex)
		if err == nil {
			mr = -1
			if l, ok := findPrefixed(info, "+CMGS:"); ok {
				mr = intField(fields(l), 0, -1)
			}
			return mr, tries, nil
		}
		if ClassOf(err) != ClassTransient || tries >= d.cfg.tries || ctx.Err() != nil || d.at.Err() != nil {
			return -1, tries, err
		}
		if errors.Is(err, ErrNoPrompt) {
			// The stick lost the command (ESC went): get back in step
			// and ask again; nothing went out.
			d.step(fmt.Sprintf("send try %d failed (%v): resynchronising", tries, err))
			if serr := d.at.Sync(ctx, d.at.t.Command, d.at.t.Busy); serr == nil || errors.Is(serr, errSyncUnsupported) {
				continue
			}
		}
		d.step(fmt.Sprintf("send try %d failed (%v): backing off %v and re-initialising", tries, err, backoff))
		if serr := sleep(ctx, backoff); serr != nil {
			return -1, tries, err
		}
		backoff *= 2
		if ierr := d.init(ctx); ierr != nil {
			return -1, tries, fmt.Errorf("%w (re-initialisation failed: %v)", err, ierr)
		}
	}
}

// Inbound is one item stored on the SIM, as the drain hands it to a Sink.
type Inbound struct {
	// Index is where it is stored (AT+CMGL/AT+CMGD); -1 for a +CDS report.
	Index int
	// Mem is the memory it was read from: "SM" (the SIM), "ME" (the
	// stick's own) or "SR" (status reports); "" for a +CDS report.
	Mem string
	// Stat is the +CMGL status: 0 unread, 1 read, 2 stored unsent, 3 stored sent.
	Stat int
	// PDU is the hex PDU exactly as the modem listed it.
	PDU string
	// Msg is the decoded PDU; nil when it could not be decoded.
	Msg *pdu.Message
	// DecodeErr says why Msg is nil.
	DecodeErr error
	// Partial holds, when Msg is nil, the fields of the PDU that decoded
	// before the failure (SMSC, type, sender, time; see
	// pdu.DecodePartial); nil when not even the SMSC address decoded.
	Partial *pdu.Message
	// IMSI is the SIM it was read from.
	IMSI string
	// Key is the item's stable identity for de-duplication: the same PDU on
	// the same SIM always has the same key, so a re-read after a crash
	// between commit and delete is recognised.
	Key string
	// GroupKey identifies the concatenated text a fragment belongs to (SIM,
	// sender, reference, part count); "" when not a fragment.
	GroupKey string
}

// Sink receives what Drain reads. Each method must commit durably before it
// returns nil: the item is deleted from the SIM right after. An item whose
// Key was committed before must be accepted again (return nil) without
// being stored twice.
type Sink interface {
	// StoreText stores a whole (non-concatenated) text, or an undecodable
	// one (Msg nil, DecodeErr set) raw and flagged.
	StoreText(ctx context.Context, in Inbound) error
	// StoreFragment stores one part of a concatenated text; the sink joins
	// the parts when all are there, and stores the
	// incomplete text flagged after a timeout.
	StoreFragment(ctx context.Context, in Inbound) error
	// StoreReport applies a delivery report (SMS-STATUS-REPORT) to the
	// outgoing message whose reference it carries.
	StoreReport(ctx context.Context, in Inbound) error
}

// DrainResult counts what Drain did.
type DrainResult struct {
	// Listed is how many items AT+CMGL listed.
	Listed int `json:"listed"`
	// Stored counts whole texts handed to StoreText, undecodable ones included.
	Stored int `json:"stored"`
	// Fragments counts parts of concatenated texts handed to StoreFragment.
	Fragments int `json:"fragments"`
	// Reports counts delivery reports handed to StoreReport.
	Reports int `json:"reports"`
	// Undecodable counts the texts stored raw because they did not decode.
	Undecodable int `json:"undecodable"`
	// Skipped counts outgoing texts stored on the SIM (left alone).
	Skipped int `json:"skipped"`
	// Deleted counts the items deleted from the SIM after their commit.
	Deleted int `json:"deleted"`
	// Errors are the per-item failures; the items stay on the SIM.
	Errors []string `json:"errors"`
	// Mems counts the items listed in each memory read (SM, ME, SR).
	Mems map[string]int `json:"mems,omitempty"`
}

// Drain reads everything stored in every memory the stick uses (the SIM,
// SM; the stick's own, ME; its status-report memory, SR): for each, one
// AT+CMGL=4 (a memory that holds nothing but the main one is not listed),
// decodes each PDU, hands each item to the sink, and deletes it with
// AT+CMGD only after the sink returned nil. Reading N items from the SIM
// costs the memory selections, one listing and N deletes. The error is for
// a failure of the link or a listing; per-item failures are in
// DrainResult.Errors and leave their items where they were.
func (d *Dongle) Drain(ctx context.Context, sink Sink) (DrainResult, error) {
	res := DrainResult{Errors: []string{}, Mems: map[string]int{}}
	mems := d.Mems()
	for i, mem := range mems {
		main := i == len(mems)-1
		if len(mems) > 1 {
			u, err := d.selectMem(ctx, mem)
			if err != nil {
				if fatal(ctx, err) || main {
					return res, fmt.Errorf("read-in %s: select %s: %w", d.port, mem, err)
				}
				d.cfg.logger.Info("modem: memory refused, not read", "port", d.port, "mem", mem, "err", err)
				continue
			}
			if u.Used == 0 && !main {
				continue
			}
		}
		if err := d.drainMem(ctx, mem, sink, &res); err != nil {
			if !main && len(mems) > 1 {
				// Leave the main storage selected for +CMTI indexes.
				if _, serr := d.selectMem(ctx, mems[len(mems)-1]); serr != nil {
					err = errors.Join(err, serr)
				}
			}
			return res, err
		}
	}
	if res.Listed == res.Deleted+res.Skipped {
		d.mu.Lock()
		d.health.storageFull = false
		d.mu.Unlock()
	}
	return res, nil
}

// drainMem lists, stores and deletes what the selected memory mem holds.
func (d *Dongle) drainMem(ctx context.Context, mem string, sink Sink, res *DrainResult) error {
	info, err := d.at.Command(ctx, "AT+CMGL=4")
	if err != nil {
		return fmt.Errorf("read-in %s: list %s: %w", d.port, mem, err)
	}
	entries, err := parseCMGL(info)
	if err != nil {
		return fmt.Errorf("read-in %s: %s: %w", d.port, mem, err)
	}
	res.Listed += len(entries)
	res.Mems[mem] += len(entries)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read-in %s: %w", d.port, err)
		}
		in := d.inbound(e.Index, e.Stat, e.PDU)
		in.Mem = mem
		var store func(context.Context, Inbound) error
		switch {
		case e.Stat == 2 || e.Stat == 3 || (in.Msg != nil && in.Msg.Type == pdu.Submit):
			res.Skipped++
			continue
		case in.Msg == nil:
			store = sink.StoreText
		case in.Msg.Type == pdu.StatusReport:
			store = sink.StoreReport
		case in.Msg.Concat != nil && in.Msg.Concat.Total > 1:
			store = sink.StoreFragment
		default:
			store = sink.StoreText
		}
		if err := store(ctx, in); err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s index %d: %v", mem, e.Index, err))
			d.cfg.logger.Warn("modem: not stored, left where it was", "port", d.port, "mem", mem, "index", e.Index, "err", err)
			continue
		}
		switch {
		case in.Msg == nil:
			res.Stored++
			res.Undecodable++
		case in.Msg.Type == pdu.StatusReport:
			res.Reports++
		case in.GroupKey != "":
			res.Fragments++
		default:
			res.Stored++
		}
		if _, err := d.at.Command(ctx, "AT+CMGD="+strconv.Itoa(e.Index)); err != nil {
			var cms *CMSError
			if errors.As(err, &cms) && cms.Code == 321 {
				// Already gone: a delete whose answer the stick lost was
				// tried again.
				res.Deleted++
				continue
			}
			if fatal(ctx, err) {
				return fmt.Errorf("read-in %s: delete %s %d: %w", d.port, mem, e.Index, err)
			}
			res.Errors = append(res.Errors, fmt.Sprintf("%s index %d: stored but not deleted: %v", mem, e.Index, err))
			continue
		}
		res.Deleted++
	}
	return nil
}

// inbound decodes one stored item.
func (d *Dongle) inbound(index, stat int, hexPDU string) Inbound {
	imsi := d.IMSI()
	hexPDU = strings.ToUpper(strings.TrimSpace(hexPDU))
	in := Inbound{Index: index, Stat: stat, PDU: hexPDU, IMSI: imsi, Key: ItemKey(imsi, hexPDU)}
	msg, err := pdu.DecodePartial(hexPDU)
	if err != nil {
		in.DecodeErr, in.Partial = err, msg
		return in
	}
	in.Msg = msg
	if msg.Concat != nil && msg.Concat.Total > 1 && msg.Type == pdu.Deliver {
		in.GroupKey = fmt.Sprintf("%s/%s/%d/%d", imsi, msg.From, msg.Concat.Ref, msg.Concat.Total)
	}
	return in
}

// ItemKey is the de-duplication key of a PDU read from the SIM imsi.
func ItemKey(imsi, hexPDU string) string {
	sum := sha256.Sum256([]byte(imsi + "\n" + strings.ToUpper(hexPDU)))
	return hex.EncodeToString(sum[:16])
}

// PortDrain is the outcome of draining one port.
type PortDrain struct {
	Port   string
	IMSI   string
	Result DrainResult
	Err    error
}

// DrainPorts opens every port, asks sinkFor for the sink of its SIM (the
// caller creates the SIM row for a new IMSI there), drains it and closes it,
// all ports in parallel. Results come in the order of ports.
func DrainPorts(ctx context.Context, ports []string, sinkFor func(ctx context.Context, d *Dongle) (Sink, error), opts ...Option) []PortDrain {
	out := make([]PortDrain, len(ports))
	var wg sync.WaitGroup
	for i, port := range ports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &out[i]
			r.Port = port
			r.Result.Errors = []string{}
			dg, err := Open(ctx, port, opts...)
			if err != nil {
				r.Err = err
				return
			}
			defer dg.Close()
			r.IMSI = dg.IMSI()
			sink, err := sinkFor(ctx, dg)
			if err != nil {
				r.Err = fmt.Errorf("read-in %s: %w", port, err)
				return
			}
			r.Result, r.Err = dg.Drain(ctx, sink)
		}()
	}
	wg.Wait()
	return out
}
