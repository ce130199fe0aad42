package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/termsafe"
)

// messageJSON is the contract shape of one message (docs/ARCHITECTURE.md).
type messageJSON struct {
	ID         int64    `json:"id"`
	Direction  string   `json:"direction"`
	SIM        *string  `json:"sim"`
	Number     string   `json:"number"`
	Text       string   `json:"text"`
	At         string   `json:"at"`
	Kind       string   `json:"kind"`
	State      *string  `json:"state"`
	Category   *string  `json:"category"`
	CategoryBy *string  `json:"category_by"`
	TaggedBy   *string  `json:"tagged_by"`
	Confidence *float64 `json:"confidence"`
	Parts      int      `json:"parts"`
	Flags      []string `json:"flags"`
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// MessageJSON converts a stored message to its contract JSON shape.
func toMessageJSON(m store.Message) messageJSON {
	j := messageJSON{ID: m.ID, Direction: m.Direction, SIM: strOrNil(m.SIM), Number: m.Number, Text: m.Text,
		At: m.At.Local().Format(time.RFC3339), Kind: m.Kind, State: strOrNil(m.State), Category: strOrNil(m.Category),
		CategoryBy: strOrNil(string(m.CategoryBy)), TaggedBy: strOrNil(m.TaggedBy), Parts: m.Parts, Flags: m.Flags}
	if m.HasConf {
		c := m.Confidence
		j.Confidence = &c
	}
	if j.Flags == nil {
		j.Flags = []string{}
	}
	return j
}

type messagesOptions struct {
	readDeps
	// Received and Sent are --in and --out.
	Received, Sent bool
	Held           bool
	Since          string
	Number         string
	Limit          int
	JSON, CSV      bool
}

// newCmdMessages builds `texting messages`; runF replaces messagesRun in tests.
func newCmdMessages(f *Factory, runF func(context.Context, *messagesOptions) error) *cobra.Command {
	o := &messagesOptions{readDeps: newReadDeps(f)}
	cmd := &cobra.Command{
		Use:   "messages",
		Short: "List texts sent and received, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return fmt.Errorf("messages: %w", err)
			}
			return run(cmd.Context(), o, runF, messagesRun)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Received, "in", false, "only texts received")
	fl.BoolVar(&o.Sent, "out", false, "only texts sent")
	fl.BoolVar(&o.Held, "held", false, "only long texts held while they wait for their other parts (not yet in the list)")
	fl.StringVar(&o.Since, "since", "", "only texts from this date (YYYY-MM-DD, local) or time (RFC 3339)")
	fl.StringVar(&o.Number, "number", "", "only texts to or from this number")
	fl.IntVar(&o.Limit, "limit", 0, "at most this many (0 = all)")
	fl.BoolVar(&o.JSON, "json", false, "print JSON")
	fl.BoolVar(&o.CSV, "csv", false, "print CSV")
	return cmd
}

// messagesRun lists the messages the flags select.
func messagesRun(ctx context.Context, o *messagesOptions) error {
	filter, err := o.filter(ctx)
	if err != nil {
		return fmt.Errorf("messages: %w", err)
	}
	db, err := o.Store(ctx)
	if err != nil {
		return err
	}
	if o.Held {
		return listHeld(ctx, db, filter, *o, o.Out)
	}
	return listMessages(ctx, db, filter, *o, o.Out)
}

// check refuses flags that do not go together, before anything is opened.
func (o *messagesOptions) check() error {
	switch {
	case o.Received && o.Sent:
		return fmt.Errorf("--in and --out cannot be used together")
	case o.JSON && o.CSV:
		return fmt.Errorf("--json and --csv cannot be used together")
	case o.Held && o.Sent:
		return fmt.Errorf("--held lists received texts: it cannot be used with --out")
	case o.Held && o.CSV:
		return fmt.Errorf("--held prints a table or --json, not --csv")
	case o.Limit < 0:
		return fmt.Errorf("--limit must be 0 or more")
	}
	return nil
}

// filter reads the selection flags into a store filter (the configured
// region is loaded only for --number).
func (o *messagesOptions) filter(ctx context.Context) (store.MessageFilter, error) {
	var flt store.MessageFilter
	switch {
	case o.Received:
		flt.Direction = store.In
	case o.Sent:
		flt.Direction = store.Out
	}
	flt.Limit = o.Limit
	if o.Since != "" {
		t, err := parseSince(o.Since)
		if err != nil {
			return flt, err
		}
		flt.Since = t
	}
	if o.Number != "" {
		if phone.IsAlphanumeric(o.Number) {
			flt.Number = strings.TrimSpace(o.Number)
		} else {
			cfg, err := o.Config(ctx)
			if err != nil {
				return flt, err
			}
			n, err := phone.Normalize(o.Number, cfg.Region)
			if err != nil {
				return flt, fmt.Errorf("--number: %w", err)
			}
			flt.Number = n
		}
	}
	return flt, nil
}

// parseSince reads a local date or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since must be a date (2026-11-26) or an RFC 3339 time, not %q", s)
}

// listMessages streams the selected messages, so exporting a whole database
// holds one row in memory at a time.
func listMessages(ctx context.Context, db *store.DB, flt store.MessageFilter, o messagesOptions, out io.Writer) error {
	w := bufio.NewWriter(out)
	defer w.Flush()
	switch {
	case o.JSON:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		first := true
		w.WriteString("[")
		err := db.EachMessage(ctx, flt, func(m store.Message) error {
			if !first {
				w.WriteString(",")
			}
			first = false
			w.WriteString("\n  ")
			b, err := json.Marshal(toMessageJSON(m))
			if err != nil {
				return err
			}
			_, err = w.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		if !first {
			w.WriteString("\n")
		}
		w.WriteString("]\n")
		return nil
	case o.CSV:
		cw := newCSVWriter(w)
		cw.Write([]string{"id", "direction", "sim", "number", "text", "at", "kind", "state", "category", "category_by", "confidence", "parts", "flags", "tagged_by"})
		err := db.EachMessage(ctx, flt, func(m store.Message) error {
			conf := ""
			if m.HasConf {
				conf = strconv.FormatFloat(m.Confidence, 'f', 3, 64)
			}
			return cw.Write([]string{strconv.FormatInt(m.ID, 10), m.Direction, m.SIM, m.Number, m.Text,
				m.At.Local().Format(time.RFC3339), m.Kind, m.State, m.Category, string(m.CategoryBy), conf,
				strconv.Itoa(m.Parts), strings.Join(m.Flags, ","), m.TaggedBy})
		})
		cw.Flush()
		if err != nil {
			return err
		}
		return cw.Error()
	}
	n := 0
	err := db.EachMessage(ctx, flt, func(m store.Message) error {
		if n == 0 {
			fmt.Fprintf(w, "%-7s  %-16s  %-3s  %-10s  %-14s  %-22s  %s\n", "ID", "TIME", "DIR", "SIM", "NUMBER", "KIND / STATE", "TEXT")
		}
		n++
		status := m.Kind
		if m.Direction == store.Out {
			status += " " + m.State
		} else if m.Category != "" {
			status = m.Category
			if m.TaggedBy != "" {
				status += " by " + m.TaggedBy
			}
		} else {
			status = "(to review)"
		}
		text, number := m.Text, m.Number
		if m.HasFlag(store.FlagUndecodable) {
			text = "(undecodable PDU; kept raw in the database)"
		} else if m.HasFlag(store.FlagIncomplete) {
			text = "(incomplete) " + text
		}
		if m.HasFlag(store.FlagOddNumber) {
			text = "(sender is no phone number: review) " + text
		}
		if number == "" {
			number = "?"
		}
		_, err := fmt.Fprintf(w, "%-7d  %-16s  %-3s  %-10s  %-14s  %-22s  %s\n", m.ID, shortTime(m.At), m.Direction,
			termsafe.Line(clipText(m.SIM, 10)), termsafe.Line(number), termsafe.Line(clipText(status, 22)), termsafe.Line(clipText(text, 60)))
		return err
	})
	if err == nil && n == 0 {
		fmt.Fprintln(w, "no messages")
	}
	return err
}

// heldJSON is one long text held while its other parts are awaited
// (`texting messages --held --json`).
type heldJSON struct {
	SIM       *string `json:"sim"`
	Number    string  `json:"number"`
	Text      string  `json:"text"` // the parts held, "…" for each missing one
	Parts     []int   `json:"parts"`
	Total     int     `json:"total"`
	FirstSeen string  `json:"first_seen"`
}

// listHeld prints the long texts waiting for their other parts: they are
// stored (and gone from the SIM) but become a message only when whole, or
// when fragments.timeout stores them flagged incomplete.
func listHeld(ctx context.Context, db *store.DB, flt store.MessageFilter, o messagesOptions, out io.Writer) error {
	held, err := db.HeldTexts(ctx)
	if err != nil {
		return err
	}
	kept := held[:0]
	for _, h := range held {
		if (flt.Number != "" && h.Number != flt.Number) || (!flt.Since.IsZero() && h.FirstSeen.Before(flt.Since)) {
			continue
		}
		kept = append(kept, h)
	}
	if o.Limit > 0 && len(kept) > o.Limit {
		kept = kept[:o.Limit]
	}
	if o.JSON {
		js := make([]heldJSON, 0, len(kept))
		for _, h := range kept {
			js = append(js, heldJSON{SIM: strOrNil(h.SIM), Number: h.Number, Text: h.Text, Parts: h.Parts, Total: h.Total,
				FirstSeen: h.FirstSeen.Local().Format(time.RFC3339)})
		}
		return writeJSON(out, js)
	}
	if len(kept) == 0 {
		_, err := fmt.Fprintln(out, "no long texts held")
		return err
	}
	rows := make([][]string, 0, len(kept))
	for _, h := range kept {
		rows = append(rows, []string{shortTime(h.FirstSeen), clipText(h.SIM, 10), h.Number,
			fmt.Sprintf("%d of %d", len(h.Parts), h.Total), clipText(h.Text, 60)})
	}
	if err := printTable(out, []string{"FIRST PART", "SIM", "NUMBER", "PARTS", "TEXT SO FAR"}, rows); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%d long %s waiting for their other parts (stored; after fragments.timeout they are listed as incomplete)\n",
		len(kept), plural(len(kept), "text", "texts"))
	return err
}
