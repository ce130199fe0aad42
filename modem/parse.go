package modem

import (
	"fmt"
	"strconv"
	"strings"
)

// unsolicitedPrefixes are the lines a Huawei dongle sends on its own, at any
// moment, even in the middle of a response. A line with one of these
// prefixes is still a response line while a command whose own answer has
// that prefix is running (AT+CREG? answers "+CREG: 0,1").
var unsolicitedPrefixes = []string{
	"^RSSI:", "^HRSSILVL:", "^HCSQ:", "^CSNR:", "^BOOT:", "^MODE:", "^DSFLOWRPT:",
	"^SRVST:", "^SIMST:", "^SMMEMFULL:", "^STIN:", "^NWTIME:", "^EONS:", "^RFSWITCH:",
	"^CEND:", "^ORIG:", "^CONF:", "^CONN:", "^NDISSTAT:", "^ACTIVEBAND:", "^HWNAT:",
	"^NDISEND:", "^LOCCHD:", "^POSITION:", "^ECCLIST:", "^CRSSI:", "^SYSSTART",
	"+CMTI:", "+CDSI:", "+CDS:", "+CMT:", "+CBM:", "+CREG:", "+CGREG:", "+CEREG:",
	"+CUSD:", "+CLIP:", "+CRING:", "+CGEV:", "+PACSP", "RING",
}

// twoLineUnsolicited are indications followed by a PDU line.
var twoLineUnsolicited = []string{"+CDS:", "+CMT:", "+CBM:"}

// finalKind classifies a final result.
type finalKind int

const (
	notFinal finalKind = iota
	finalOK
	finalError
)

// classifyFinal tells whether line is a final result for the command cmd
// ("" when none is running).
func classifyFinal(line, cmd string) finalKind {
	switch line {
	case "OK":
		return finalOK
	case "ERROR", "COMMAND NOT SUPPORT", "TOO MANY PARAMETERS", "NO DIALTONE",
		"BUSY", "NO ANSWER", "ABORTED":
		return finalError
	case "NO CARRIER":
		// Ends a dial; otherwise it is a call ending on its own.
		if isDial(cmd) {
			return finalError
		}
		return notFinal
	}
	if strings.HasPrefix(line, "+CME ERROR:") || strings.HasPrefix(line, "+CMS ERROR:") {
		return finalError
	}
	if line == "CONNECT" || strings.HasPrefix(line, "CONNECT ") {
		return finalOK
	}
	return notFinal
}

func isDial(cmd string) bool {
	u := strings.ToUpper(cmd)
	return strings.HasPrefix(u, "ATD") || strings.HasPrefix(u, "ATA") || strings.HasPrefix(u, "ATO")
}

// resultError turns a failure final result into an error value.
func resultError(line string) error {
	switch {
	case strings.HasPrefix(line, "+CMS ERROR:"):
		code, text := parseErrorCode(strings.TrimSpace(strings.TrimPrefix(line, "+CMS ERROR:")), cmsTexts)
		return &CMSError{Code: code, Text: text}
	case strings.HasPrefix(line, "+CME ERROR:"):
		code, text := parseErrorCode(strings.TrimSpace(strings.TrimPrefix(line, "+CME ERROR:")), cmeTexts)
		return &CMEError{Code: code, Text: text}
	}
	return &ResultError{Result: line}
}

// cmsTexts maps verbose CMS texts back to codes.
var cmsTexts = func() map[string]int {
	m := make(map[string]int, len(cmsReasons))
	for code, text := range cmsReasons {
		m[strings.ToLower(text)] = code
	}
	return m
}()

// parseErrorCode reads "42" or a verbose text such as "SIM not inserted".
// An unknown text gives code -1 and the text.
func parseErrorCode(s string, texts map[string]int) (int, string) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, ""
	}
	if code, ok := texts[strings.ToLower(s)]; ok {
		return code, ""
	}
	return -1, s
}

// infoPrefix is the prefix of a command's own information lines:
// "AT+CREG?" → "+CREG:", "AT^SYSINFO" → "^SYSINFO:", "ATI" → "".
func infoPrefix(cmd string) string {
	if len(cmd) < 3 || !strings.EqualFold(cmd[:2], "AT") {
		return ""
	}
	rest := cmd[2:]
	if rest == "" || (rest[0] != '+' && rest[0] != '^') {
		return ""
	}
	if i := strings.IndexAny(rest, "=?"); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToUpper(rest) + ":"
}

// isUnsolicited tells whether line is an unsolicited indication, given the
// info prefix of the running command ("" when none).
func isUnsolicited(line, running string) bool {
	for _, p := range unsolicitedPrefixes {
		if strings.HasPrefix(line, p) {
			return running == "" || !strings.HasPrefix(line, running)
		}
	}
	return line == "NO CARRIER"
}

func isTwoLine(line string) bool {
	for _, p := range twoLineUnsolicited {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// fields splits the value part of "+XXX: a,"b,c",d" on commas outside quotes
// and unquotes each field.
func fields(line string) []string {
	if i := strings.Index(line, ":"); i >= 0 && (strings.HasPrefix(line, "+") || strings.HasPrefix(line, "^")) {
		line = line[i+1:]
	}
	line = strings.TrimSpace(line)
	var out []string
	var b strings.Builder
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteRune(r)
		}
	}
	out = append(out, strings.TrimSpace(b.String()))
	return out
}

// intField returns field i as an int, or def when missing or not a number.
func intField(f []string, i, def int) int {
	if i >= len(f) {
		return def
	}
	n, err := strconv.Atoi(f[i])
	if err != nil {
		return def
	}
	return n
}

// findPrefixed returns the first line starting with prefix.
func findPrefixed(lines []string, prefix string) (string, bool) {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return l, true
		}
	}
	return "", false
}

// firstPlain returns the first line, for commands that answer a bare value
// (AT+CGSN, AT+CIMI), skipping any "+CGSN:"-style prefix some firmwares add.
func firstPlain(lines []string) string {
	for _, l := range lines {
		if l == "" {
			continue
		}
		if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "^")) && strings.Contains(l, ":") {
			l = strings.TrimSpace(l[strings.Index(l, ":")+1:])
		}
		return strings.Trim(l, "\"")
	}
	return ""
}

// listEntry is one "+CMGL: <index>,<stat>,[<alpha>],<length>" header and the
// PDU line after it.
type listEntry struct {
	Index  int
	Stat   int
	Length int
	PDU    string
}

// parseCMGL pairs the +CMGL headers with their PDU lines. Unsolicited lines
// have already been taken out by the reader.
func parseCMGL(lines []string) ([]listEntry, error) {
	var out []listEntry
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "+CMGL:") {
			return out, fmt.Errorf("unexpected line %q in the message list", l)
		}
		f := fields(l)
		if len(f) < 2 {
			return out, fmt.Errorf("malformed list header %q", l)
		}
		idx, err := strconv.Atoi(f[0])
		if err != nil {
			return out, fmt.Errorf("malformed list header %q", l)
		}
		e := listEntry{Index: idx, Stat: intField(f, 1, -1), Length: intField(f, len(f)-1, -1)}
		if i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "+CMGL:") {
			e.PDU = strings.ToUpper(strings.TrimSpace(lines[i+1]))
			i++
		}
		out = append(out, e)
	}
	return out, nil
}

// parseCSQ reads "+CSQ: <rssi>,<ber>" into dBm and bars; rssi 99 is unknown.
func parseCSQ(line string) (rssi, dbm, bars int) {
	f := fields(line)
	rssi = intField(f, 0, 99)
	dbm, bars = rssiToDBM(rssi)
	return rssi, dbm, bars
}

// rssiToDBM converts the 27.007 RSSI (0..31, 99 unknown) to dBm and 0–5 bars.
// dBm is 0 when unknown.
func rssiToDBM(rssi int) (dbm, bars int) {
	if rssi < 0 || rssi > 31 {
		return 0, 0
	}
	dbm = -113 + 2*rssi
	switch {
	case dbm >= -73:
		bars = 5
	case dbm >= -83:
		bars = 4
	case dbm >= -93:
		bars = 3
	case dbm >= -103:
		bars = 2
	case dbm >= -109:
		bars = 1
	}
	return dbm, bars
}

// registration names the +CREG <stat> values.
func registration(stat int) string {
	switch stat {
	case 0:
		return "not registered"
	case 1:
		return "home"
	case 2:
		return "searching"
	case 3:
		return "denied"
	case 5:
		return "roaming"
	}
	return "unknown"
}

// sysMode names the ^SYSINFO <sys_mode> values.
func sysMode(m int) string {
	switch m {
	case 0:
		return "no service"
	case 1:
		return "AMPS"
	case 2:
		return "CDMA"
	case 3:
		return "GSM/GPRS"
	case 4:
		return "HDR"
	case 5:
		return "WCDMA"
	case 6:
		return "GPS"
	case 7:
		return "GSM/WCDMA"
	case 8:
		return "CDMA/HDR"
	case 9:
		return "TD-SCDMA"
	case 17:
		return "LTE"
	}
	return ""
}

// unswapICCID turns the nibble-swapped ICCID that some firmwares give
// (e.g. "98441..." for 8944...) into the printed form, dropping F padding.
// Every ICCID starts with 89 (telecom), so one that does is left as it is.
func unswapICCID(s string) string {
	if strings.HasPrefix(s, "89") {
		return strings.TrimRight(strings.ToUpper(s), "F")
	}
	b := []byte(s)
	for i := 0; i+1 < len(b); i += 2 {
		b[i], b[i+1] = b[i+1], b[i]
	}
	return strings.TrimRight(strings.ToUpper(string(b)), "F")
}
