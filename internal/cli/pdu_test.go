package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/texting-centre/texting/modem/pdu"
)

// runPDU runs a texting command line on buffers and returns the exit
// status, stdout and stderr.
func runPDU(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	f := &Factory{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv: func(string) string { return "" },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	code := Run(context.Background(), f, args)
	return code, out.String(), errb.String()
}

// pduCompactJSON re-encodes JSON without spaces, to compare with docs/ARCHITECTURE.md.
func pduCompactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return b.String()
}

func TestPDUDecodeJSONMatchesDesign(t *testing.T) {
	// docs/ARCHITECTURE.md's example, built as a modem would hold it.
	hexPDU, err := pdu.EncodeDeliver("+447700900123", "Hello", pdu.DeliverOptions{
		SMSC: "+447785016005", Class: -1, Concat: &pdu.Concat{Ref: 7, Total: 3, Seq: 1},
		Timestamp: time.Date(2026, 11, 26, 14, 3, 5, 0, time.FixedZone("", 3600)),
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runPDU(t, "", "pdu", "decode", "--json", hexPDU)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `{"type":"deliver","smsc":"+447785016005","from":"+447700900123","text":"Hello",` +
		`"encoding":"gsm7","timestamp":"2026-11-26T14:03:05+01:00","concat":{"ref":7,"total":3,"seq":1}}`
	if got := pduCompactJSON(t, out); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPDUDecodeJSON(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want string
	}{{
		name: "deliver without SMSC or concat",
		hex:  "00040B911346610089F60000208062917314480CC8F71D14969741F977FD07",
		want: `{"type":"deliver","smsc":"","from":"+31641600986","text":"How are you?","encoding":"gsm7","timestamp":"2002-08-26T19:37:41-01:00","concat":null}`,
	}, {
		name: "alphanumeric sender",
		hex:  "0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9",
		want: `{"type":"deliver","smsc":"+447785016005","from":"sipgate","text":"Testmail","encoding":"gsm7","timestamp":"2008-08-13T12:07:22+01:00","concat":null}`,
	}, {
		name: "submit",
		hex:  "07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701",
		want: `{"type":"submit","smsc":"+31624000000","to":"+31628870634","text":"www.diafaan.com","encoding":"gsm7","mr":13,"concat":null}`,
	}, {
		name: "status report",
		hex:  "0006D60B911326880736F4111011719551401110117195714000",
		want: `{"type":"status-report","smsc":"","mr":214,"recipient":"+31628870634","status":0,"status_category":"delivered",` +
			`"status_text":"delivered: received by the recipient","timestamp":"2011-01-11T17:59:15+01:00","discharge_time":"2011-01-11T17:59:17+01:00"}`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runPDU(t, "", "pdu", "decode", "--json", tc.hex)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if got := pduCompactJSON(t, out); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestPDUDecodeInvalid(t *testing.T) {
	for _, args := range [][]string{
		{"pdu", "decode", "0011000"},
		{"pdu", "decode", "--json", "0011000B916407281553F80000AA0AE8329BFD"},
		{"pdu", "decode", "--json", "zz"},
		{"pdu", "decode", "0051000B916407281553F80000AA06050003000301"},
	} {
		code, out, errOut := runPDU(t, "", args...)
		if code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
		if out != "" {
			t.Errorf("%v: stdout %q, want nothing", args, out)
		}
		if !strings.HasPrefix(errOut, "texting: pdu decode: invalid PDU: ") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: stderr %q, want one line of reason", args, errOut)
		}
	}
}

func TestPDUDecodePlain(t *testing.T) {
	code, out, _ := runPDU(t, "", "pdu", "decode",
		"0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"type:            deliver\n",
		"smsc:            +2781191\n",
		"from:            2781188 (unknown, type 0x81)\n",
		"timestamp:       2013-06-25T16:40:48+02:00\n",
		"encoding:        gsm7 (TP-DCS 0x00, TP-PID 0x00)\n",
		"class:           none\n",
		"concat:          part 1 of 1, reference 195\n",
		`text:            "Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. "` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// A status report from standard input, and 8-bit data.
	sr, err := pdu.EncodeStatusReport("+447785016005", 12, "+447700900123",
		time.Date(2026, 11, 26, 14, 3, 5, 0, time.UTC), time.Date(2026, 11, 27, 14, 3, 5, 0, time.UTC), 0x46)
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ = runPDU(t, sr+"\n", "pdu", "decode", "-")
	for _, want := range []string{"type:            status-report\n", "mr:              12\n",
		"status:          70 (0x46) expired: validity period expired\n", "category:        failed\n",
		"discharge time:  2026-11-27T14:03:05Z\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = runPDU(t, "", "pdu", "decode", "0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421")
	if !strings.Contains(out, "data:            48656C6C6F20776F726C6421 (12 octets)\n") || !strings.Contains(out, "to:              +27821234567") {
		t.Errorf("8-bit submit:\n%s", out)
	}
}

func TestPDUEncodeJSON(t *testing.T) {
	code, out, errOut := runPDU(t, "", "pdu", "encode", "--json", "--to", "+27820001111", "--text", "Hello World!")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `{"encoding":"gsm7","segments":1,"pdus":[{"hex":"0001000B917228001011F100000CC8329BFD065DDF72363904","tpdu_length":24}]}`
	if got := pduCompactJSON(t, out); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	long := strings.Repeat("Привет! ", 20)
	_, out, _ = runPDU(t, "", "pdu", "encode", "--json", "--to", "447700900123", "--text", long,
		"--status-report", "--validity", "2d", "--ref", "42")
	var got struct {
		Encoding string `json:"encoding"`
		Segments int    `json:"segments"`
		PDUs     []struct {
			Hex        string `json:"hex"`
			TPDULength int    `json:"tpdu_length"`
		} `json:"pdus"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Encoding != "ucs2" || got.Segments != 3 || len(got.PDUs) != 3 {
		t.Fatalf("got %+v", got)
	}
	var joined strings.Builder
	for i, p := range got.PDUs {
		m, err := pdu.Decode(p.Hex)
		if err != nil {
			t.Fatal(err)
		}
		if p.TPDULength != len(p.Hex)/2-1 || !m.StatusReportRequested || m.Validity != 48*time.Hour ||
			m.Concat == nil || *m.Concat != (pdu.Concat{Ref: 42, Total: 3, Seq: i + 1}) {
			t.Errorf("part %d: %+v", i+1, m)
		}
		joined.WriteString(m.Text)
	}
	if joined.String() != long {
		t.Errorf("joined %q", joined.String())
	}
}

func TestPDUEncodePlain(t *testing.T) {
	code, out, _ := runPDU(t, "", "pdu", "encode", "--to", "+447700900123", "--text", "Café 😀")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"encoding:        ucs2\n",
		"not in GSM-7:    '😀'\n",
		"segments:        1\n",
		"length:          6 characters, 7 UTF-16 units, 63 left in the last part\n",
		"part 1:          AT+CMGS=27\n",
		"                 0001000C914477000910320008",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPDUEncodeErrors(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--to", "", "--text", "x"}, "empty destination number"},
		{[]string{"--to", "+44 7700", "--text", "x"}, "not \"+\" and digits"},
		{[]string{"--to", "+447700900123"}, `required flag(s) "text" not set`},
		{[]string{"--to", "+447700900123", "--text", "x", "--validity", "soon"}, "--validity \"soon\""},
		{[]string{"--to", "+447700900123", "--text", "x", "--validity", "-2d"}, "--validity \"-2d\""},
		{[]string{"--to", "+447700900123", "--text", "x", "--validity", "0s"}, "must be positive"},
		{[]string{"--to", "+447700900123", "--text", "x", "--ref", "256"}, "--ref 256"},
	}
	for _, tc := range tests {
		code, out, errOut := runPDU(t, "", append([]string{"pdu", "encode"}, tc.args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 and %q", tc.args, code, out, errOut, tc.msg)
		}
	}
}

func TestPDUParseValidity(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "90m": 90 * time.Minute, "12h": 12 * time.Hour, "2d": 48 * time.Hour, "1w": 7 * 24 * time.Hour} {
		if got, err := pduParseValidity(in); err != nil || got != want {
			t.Errorf("pduParseValidity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestPDUCommandOptions(t *testing.T) {
	// The commands hand their flags to the run functions unchanged.
	var dec *pduDecodeOptions
	cmd := newCmdPDUDecode(&Factory{}, func(_ context.Context, o *pduDecodeOptions) error { dec = o; return nil })
	cmd.SetArgs([]string{"--json", "0011"})
	if err := cmd.Execute(); err != nil || dec == nil || !dec.JSON || dec.Hex != "0011" {
		t.Errorf("decode options %+v, %v", dec, err)
	}
	var enc *pduEncodeOptions
	cmd = newCmdPDUEncode(&Factory{}, func(_ context.Context, o *pduEncodeOptions) error { enc = o; return nil })
	cmd.SetArgs([]string{"--to", "+44", "--text", "hi", "--status-report", "--validity", "1w", "--ref", "9"})
	if err := cmd.Execute(); err != nil || enc == nil || enc.To != "+44" || enc.Text != "hi" || !enc.StatusReport || enc.Validity != "1w" || enc.Ref != 9 {
		t.Errorf("encode options %+v, %v", enc, err)
	}
}
