package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/texting-centre/texting/modem/pdu"
)

// newCmdPDU builds `texting pdu`.
func newCmdPDU(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pdu",
		Short: "Decode and encode SMS PDUs as a modem speaks them (PDU mode)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCmdPDUDecode(f, nil), newCmdPDUEncode(f, nil))
	return cmd
}

// pduDecodeOptions holds what `texting pdu decode` needs.
type pduDecodeOptions struct {
	In  io.Reader
	Out io.Writer
	// Hex is the PDU argument; "-" reads it from In.
	Hex  string
	JSON bool
}

// newCmdPDUDecode builds `texting pdu decode`; runF replaces pduDecodeRun in tests.
func newCmdPDUDecode(f *Factory, runF func(context.Context, *pduDecodeOptions) error) *cobra.Command {
	opts := &pduDecodeOptions{In: f.In, Out: f.Out}
	cmd := &cobra.Command{
		Use:   "decode HEX",
		Short: "Decode one PDU as a modem gives it (SMSC octets first)",
		Long: "Decode one SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT PDU in the form a modem\n" +
			"lists it in PDU mode (AT+CMGL, AT+CMGR, +CDS): hex, SMSC address octets first.\n" +
			"HEX - reads the PDU from standard input. An invalid PDU exits with status 1.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Hex = args[0]
			return run(cmd.Context(), opts, runF, pduDecodeRun)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

// pduDecodeRun decodes opts.Hex and prints it; nothing reaches Out unless the
// PDU decodes.
func pduDecodeRun(_ context.Context, opts *pduDecodeOptions) error {
	h := opts.Hex
	if h == "-" {
		b, err := io.ReadAll(io.LimitReader(opts.In, 4096))
		if err != nil {
			return fmt.Errorf("pdu decode: read standard input: %w", err)
		}
		h = string(b)
	}
	m, err := pdu.Decode(h)
	if err != nil {
		return fmt.Errorf("pdu decode: %w", err)
	}
	if opts.JSON {
		return writeJSON(opts.Out, pduDecodedJSON(m))
	}
	return pduPrintDecoded(opts.Out, m)
}

// The JSON shapes of docs/ARCHITECTURE.md, one per message type; field order as there.
type (
	pduConcatJSON struct {
		Ref   int `json:"ref"`
		Total int `json:"total"`
		Seq   int `json:"seq"`
	}
	pduDeliverJSON struct {
		Type      pdu.Type       `json:"type"`
		SMSC      string         `json:"smsc"`
		From      string         `json:"from"`
		Text      string         `json:"text"`
		Encoding  pdu.Encoding   `json:"encoding"`
		Timestamp string         `json:"timestamp"`
		Concat    *pduConcatJSON `json:"concat"`
	}
	pduSubmitJSON struct {
		Type     pdu.Type       `json:"type"`
		SMSC     string         `json:"smsc"`
		To       string         `json:"to"`
		Text     string         `json:"text"`
		Encoding pdu.Encoding   `json:"encoding"`
		MR       int            `json:"mr"`
		Concat   *pduConcatJSON `json:"concat"`
	}
	pduStatusReportJSON struct {
		Type           pdu.Type `json:"type"`
		SMSC           string   `json:"smsc"`
		MR             int      `json:"mr"`
		Recipient      string   `json:"recipient"`
		Status         int      `json:"status"`
		StatusCategory string   `json:"status_category"`
		StatusText     string   `json:"status_text"`
		Timestamp      string   `json:"timestamp"`
		DischargeTime  string   `json:"discharge_time"`
	}
)

func pduDecodedJSON(m *pdu.Message) any {
	var concat *pduConcatJSON
	if c := m.Concat; c != nil {
		concat = &pduConcatJSON{Ref: c.Ref, Total: c.Total, Seq: c.Seq}
	}
	switch m.Type {
	case pdu.Submit:
		return pduSubmitJSON{Type: m.Type, SMSC: m.SMSC, To: m.To, Text: m.Text, Encoding: m.Encoding, MR: m.MR, Concat: concat}
	case pdu.StatusReport:
		return pduStatusReportJSON{Type: m.Type, SMSC: m.SMSC, MR: m.MR, Recipient: m.Recipient, Status: m.Status,
			StatusCategory: pdu.StatusCategory(m.Status), StatusText: pdu.StatusText(m.Status),
			Timestamp: pduTime(m.Timestamp), DischargeTime: pduTime(m.DischargeTime)}
	}
	return pduDeliverJSON{Type: m.Type, SMSC: m.SMSC, From: m.From, Text: m.Text, Encoding: m.Encoding,
		Timestamp: pduTime(m.Timestamp), Concat: concat}
}

// pduTime keeps the PDU's own UTC offset, unlike the local-time rfc3339.
func pduTime(t time.Time) string { return t.Format(time.RFC3339) }

// pduPrintDecoded writes one field per line for an operator at a modem.
func pduPrintDecoded(w io.Writer, m *pdu.Message) error {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%-16s %s\n", label+":", value) }
	yesNo := map[bool]string{true: "yes", false: "no"}

	line("type", string(m.Type))
	line("smsc", pduOrNone(m.SMSC))
	switch m.Type {
	case pdu.Deliver:
		line("from", m.From+pduAddressType(m.AddressType))
		line("timestamp", pduTime(m.Timestamp))
		line("report asked", yesNo[m.StatusReportRequested])
	case pdu.Submit:
		line("to", m.To+pduAddressType(m.AddressType))
		line("mr", strconv.Itoa(m.MR))
		line("report asked", yesNo[m.StatusReportRequested])
		switch {
		case m.Validity > 0:
			line("validity", m.Validity.String())
		case !m.ValidUntil.IsZero():
			line("valid until", pduTime(m.ValidUntil))
		}
	case pdu.StatusReport:
		line("mr", strconv.Itoa(m.MR))
		line("recipient", m.Recipient+pduAddressType(m.AddressType))
		line("status", fmt.Sprintf("%d (0x%02X) %s", m.Status, m.Status, pdu.StatusText(m.Status)))
		line("category", pdu.StatusCategory(m.Status))
		line("timestamp", pduTime(m.Timestamp))
		line("discharge time", pduTime(m.DischargeTime))
	}
	if m.Encoding != "" {
		line("encoding", fmt.Sprintf("%s (TP-DCS 0x%02X, TP-PID 0x%02X)", m.Encoding, m.DCS, m.PID))
		class := "none"
		if m.Class >= 0 {
			class = strconv.Itoa(m.Class)
		}
		line("class", class)
	}
	if c := m.Concat; c != nil {
		line("concat", fmt.Sprintf("part %d of %d, reference %d", c.Seq, c.Total, c.Ref))
	}
	if m.Encoding == pdu.Data8 {
		line("data", fmt.Sprintf("%X (%d octets)", m.Data, len(m.Data)))
	} else if m.Encoding != "" {
		line("text", strconv.Quote(m.Text))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pduOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// pduAddressType describes a type-of-address octet (TS 23.040 §9.1.2.5).
func pduAddressType(toa int) string {
	names := [8]string{"unknown", "international", "national", "network-specific", "subscriber", "alphanumeric", "abbreviated", "reserved"}
	return fmt.Sprintf(" (%s, type 0x%02X)", names[(toa>>4)&0x07], toa)
}

// pduEncodeOptions holds what `texting pdu encode` needs.
type pduEncodeOptions struct {
	Out          io.Writer
	To           string
	Text         string
	JSON         bool
	StatusReport bool
	// Validity is the --validity flag: a Go duration, or a number of days
	// or weeks ("2d", "1w"); "" for none.
	Validity string
	Ref      int
}

// newCmdPDUEncode builds `texting pdu encode`; runF replaces pduEncodeRun in tests.
func newCmdPDUEncode(f *Factory, runF func(context.Context, *pduEncodeOptions) error) *cobra.Command {
	opts := &pduEncodeOptions{Out: f.Out}
	cmd := &cobra.Command{
		Use:   "encode --to NUMBER --text TEXT",
		Short: "Encode a text as the SMS-SUBMIT PDUs to send with AT+CMGS",
		Long: "Encode a text as SMS-SUBMIT PDUs: GSM 7-bit when every character fits, else UCS-2,\n" +
			"split into concatenated parts when long. Each part prints with the length for\n" +
			"AT+CMGS=<length>; its hex starts with the SMSC octet 00 (the SIM's SMSC).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), opts, runF, pduEncodeRun)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.To, "to", "", "destination: +447700900123 (international) or digits")
	fl.StringVar(&opts.Text, "text", "", "the text to send")
	fl.BoolVar(&opts.JSON, "json", false, "print JSON")
	fl.BoolVar(&opts.StatusReport, "status-report", false, "ask the network for a delivery report")
	fl.StringVar(&opts.Validity, "validity", "", "how long the network keeps trying, e.g. 12h, 2d, 1w (default: the network's)")
	fl.IntVar(&opts.Ref, "ref", 0, "reference for the parts of a long text, 0-255")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagRequired("text")
	return cmd
}

// pduEncodeRun encodes opts.Text and prints the parts.
func pduEncodeRun(_ context.Context, opts *pduEncodeOptions) error {
	validity, err := pduParseValidity(opts.Validity)
	if err != nil {
		return err
	}
	if opts.Ref < 0 || opts.Ref > 255 {
		return fmt.Errorf("pdu encode: --ref %d is not 0-255", opts.Ref)
	}
	parts, err := pdu.EncodeSubmit(opts.To, opts.Text, pdu.SubmitOptions{
		StatusReport: opts.StatusReport, Validity: validity, ConcatRef: opts.Ref})
	if err != nil {
		return fmt.Errorf("pdu encode: %w", err)
	}
	count := pdu.Counting(opts.Text)
	if opts.JSON {
		type partJSON struct {
			Hex        string `json:"hex"`
			TPDULength int    `json:"tpdu_length"`
		}
		out := struct {
			Encoding pdu.Encoding `json:"encoding"`
			Segments int          `json:"segments"`
			PDUs     []partJSON   `json:"pdus"`
		}{Encoding: count.Encoding, Segments: len(parts), PDUs: make([]partJSON, len(parts))}
		for i, p := range parts {
			out.PDUs[i] = partJSON{Hex: p.Hex, TPDULength: p.TPDULength}
		}
		return writeJSON(opts.Out, out)
	}

	var b strings.Builder
	unit := "septets"
	if count.Encoding == pdu.UCS2 {
		unit = "UTF-16 units"
	}
	fmt.Fprintf(&b, "%-16s %s\n", "encoding:", count.Encoding)
	if len(count.ForcedBy) > 0 {
		forced := make([]string, len(count.ForcedBy))
		for i, r := range count.ForcedBy {
			forced[i] = strconv.QuoteRune(r)
		}
		fmt.Fprintf(&b, "%-16s %s\n", "not in GSM-7:", strings.Join(forced, " "))
	}
	fmt.Fprintf(&b, "%-16s %d\n", "segments:", len(parts))
	fmt.Fprintf(&b, "%-16s %d characters, %d %s, %d left in the last part\n", "length:", count.Chars, count.Units, unit, count.Left)
	for i, p := range parts {
		fmt.Fprintf(&b, "%-16s AT+CMGS=%d\n%-16s %s\n", fmt.Sprintf("part %d:", i+1), p.TPDULength, "", p.Hex)
	}
	_, err = io.WriteString(opts.Out, b.String())
	return err
}

// pduParseValidity reads --validity: a Go duration ("90m", "12h") or whole days
// or weeks ("2d", "1w").
func pduParseValidity(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		unit = 7 * 24 * time.Hour
	}
	var d time.Duration
	if unit != 0 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil || n < 0 {
			return 0, fmt.Errorf("pdu encode: --validity %q is not a duration such as 12h, 2d or 1w", s)
		}
		d = time.Duration(n) * unit
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("pdu encode: --validity %q is not a duration such as 12h, 2d or 1w", s)
		}
	}
	if d <= 0 {
		return 0, errors.New("pdu encode: --validity must be positive")
	}
	return d, nil
}
