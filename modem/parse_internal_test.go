package modem

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestClassifyFinal(t *testing.T) {
	tests := []struct {
		line, cmd string
		want      finalKind
	}{
		{"OK", "AT", finalOK},
		{"ERROR", "AT", finalError},
		{"+CME ERROR: 10", "AT+CPIN?", finalError},
		{"+CMS ERROR: 500", "AT+CMGS=20", finalError},
		{"COMMAND NOT SUPPORT", "AT^CURC=0", finalError},
		{"TOO MANY PARAMETERS", "AT+CNMI=1,2,3,4,5,6", finalError},
		{"NO CARRIER", "ATD123;", finalError},
		{"NO CARRIER", "AT+CSQ", notFinal},
		{"BUSY", "ATD123;", finalError},
		{"CONNECT 7200000", "ATD*99#", finalOK},
		{"+CSQ: 20,99", "AT+CSQ", notFinal},
		{"OKAY", "AT", notFinal},
	}
	for _, tt := range tests {
		t.Run(tt.line+" for "+tt.cmd, func(t *testing.T) {
			if got := classifyFinal(tt.line, tt.cmd); got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestResultError(t *testing.T) {
	tests := []struct {
		line      string
		wantText  string
		class     Class
		is        error
		wantIsNot error
	}{
		{"+CMS ERROR: 500", "+CMS ERROR: 500 (unknown error)", ClassUnknown, ErrUnknownOutcome, nil},
		{"+CMS ERROR: 42", "+CMS ERROR: 42 (congestion)", ClassTransient, nil, ErrUnknownOutcome},
		{"+CMS ERROR: 21", "+CMS ERROR: 21 (short message transfer rejected (check the SMSC number with AT+CSCA?))", ClassSIM, nil, nil},
		{"+CMS ERROR: 1", "+CMS ERROR: 1 (unassigned (unallocated) number)", ClassRecipient, nil, nil},
		{"+CMS ERROR: 322", "+CMS ERROR: 322 (memory full)", ClassStorage, nil, nil},
		{"+CMS ERROR: 310", "+CMS ERROR: 310 (SIM not inserted)", ClassSIM, ErrNoSIM, nil},
		{"+CMS ERROR: 311", "+CMS ERROR: 311 (SIM PIN required)", ClassSIM, ErrPINRequired, nil},
		{"+CMS ERROR: 196", "+CMS ERROR: 196 (destination SME barred)", ClassRecipient, nil, nil},
		{"+CMS ERROR: 192", "+CMS ERROR: 192 (service centre busy)", ClassTransient, nil, nil},
		{"+CMS ERROR: 600", "+CMS ERROR: 600 (manufacturer-specific error)", ClassTransient, nil, nil},
		{"+CMS ERROR: invalid memory index", "+CMS ERROR: 321 (invalid memory index)", ClassStorage, nil, nil},
		{"+CME ERROR: 10", "+CME ERROR: 10 (SIM not inserted)", ClassSIM, ErrNoSIM, nil},
		{"+CME ERROR: SIM PIN required", "+CME ERROR: 11 (SIM PIN required)", ClassSIM, ErrPINRequired, nil},
		{"+CME ERROR: 30", "+CME ERROR: 30 (no network service)", ClassTransient, nil, nil},
		{"+CME ERROR: fancy vendor text", "+CME ERROR: -1 (fancy vendor text)", ClassTransient, nil, nil},
		{"COMMAND NOT SUPPORT", "COMMAND NOT SUPPORT", ClassTransient, ErrCommandFailed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			err := resultError(tt.line)
			if err.Error() != tt.wantText {
				t.Errorf("text %q, want %q", err.Error(), tt.wantText)
			}
			if c := ClassOf(err); c != tt.class {
				t.Errorf("class %s, want %s", c, tt.class)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("not %v", tt.is)
			}
			if tt.wantIsNot != nil && errors.Is(err, tt.wantIsNot) {
				t.Errorf("is %v", tt.wantIsNot)
			}
		})
	}
}

// TestDesignErrorTable checks every code of the error-class table in
// docs/ARCHITECTURE.md.
func TestDesignErrorTable(t *testing.T) {
	table := map[Class][]int{
		ClassTransient: {38, 41, 42, 47, 111, 127, 331, 332, 512, 513, 514, 515},
		ClassSIM:       {8, 10, 21, 28, 30, 50, 310, 311, 312, 313, 314, 315, 316, 317, 318, 330},
		ClassRecipient: {1, 27, 96, 304, 305},
		ClassStorage:   {321, 322},
		ClassUnknown:   {500},
	}
	for class, codes := range table {
		for _, code := range codes {
			got := (&CMSError{Code: code}).Class()
			if code == 314 {
				// SIM busy is worth a retry; the table lists 310–318 as SIM,
				// and a busy SIM is still "our SIM", so either is defensible.
				if got != ClassSIM && got != ClassTransient {
					t.Errorf("code %d: %s", code, got)
				}
				continue
			}
			if got != class {
				t.Errorf("code %d: %s, want %s", code, got, class)
			}
		}
	}
	for _, e := range []error{ErrNoPrompt, ErrTimeout, &StorageFullError{Mem: "SM"}, ErrInvalidText} {
		want := map[error]Class{ErrNoPrompt: ClassTransient, ErrTimeout: ClassTransient, ErrInvalidText: ClassRecipient}[e]
		if _, ok := e.(*StorageFullError); ok {
			want = ClassStorage
		}
		if got := ClassOf(e); got != want {
			t.Errorf("%v: %s, want %s", e, got, want)
		}
	}
}

func TestInfoPrefixAndUnsolicited(t *testing.T) {
	if p := infoPrefix("AT+CREG?"); p != "+CREG:" {
		t.Fatal(p)
	}
	if p := infoPrefix("at^sysinfo"); p != "^SYSINFO:" {
		t.Fatal(p)
	}
	if p := infoPrefix("ATI"); p != "" {
		t.Fatal(p)
	}
	tests := []struct {
		line, running string
		want          bool
	}{
		{"^RSSI:17", "", true},
		{"^RSSI:17", "+CSQ:", true},
		{"+CREG: 1", "", true},
		{"+CREG: 0,1", "+CREG:", false},
		{`+CMTI: "SM",3`, "+CMGL:", true},
		{"+CMGL: 1,1,,22", "+CMGL:", false},
		{"+CSQ: 17,99", "+CSQ:", false},
		{"RING", "", true},
		{"0791447758100650", "+CMGL:", false},
	}
	for _, tt := range tests {
		if got := isUnsolicited(tt.line, tt.running); got != tt.want {
			t.Errorf("isUnsolicited(%q, %q) = %v", tt.line, tt.running, got)
		}
	}
}

func TestFieldsAndParsers(t *testing.T) {
	if f := fields(`+COPS: 0,0,"O2 - UK, the network",2`); !slices.Equal(f, []string{"0", "0", "O2 - UK, the network", "2"}) {
		t.Fatalf("%q", f)
	}
	entries, err := parseCMGL([]string{"+CMGL: 0,1,,24", "0791aa", "+CMGL: 3,0,\"\",30", "0791BB", "+CMGL: 5,1,,0"})
	if err != nil {
		t.Fatal(err)
	}
	want := []listEntry{{0, 1, 24, "0791AA"}, {3, 0, 30, "0791BB"}, {5, 1, 0, ""}}
	if !slices.Equal(entries, want) {
		t.Fatalf("%+v", entries)
	}
	if _, err := parseCMGL([]string{"junk"}); err == nil {
		t.Fatal("junk listed")
	}
	for _, tt := range []struct{ rssi, dbm, bars int }{{99, 0, 0}, {0, -113, 0}, {2, -109, 1}, {7, -99, 2}, {12, -89, 3}, {17, -79, 4}, {20, -73, 5}, {31, -51, 5}} {
		if dbm, bars := rssiToDBM(tt.rssi); dbm != tt.dbm || bars != tt.bars {
			t.Errorf("rssi %d: %d dBm %d bars", tt.rssi, dbm, bars)
		}
	}
	if used, total := parseCPMSSet([]string{"+CPMS: 3,20,3,20,3,20"}); used != 3 || total != 20 {
		t.Fatal(used, total)
	}
	if used, total := parseCPMSSet([]string{`+CPMS: "SM",4,30,"SM",4,30,"SM",4,30`}); used != 4 || total != 30 {
		t.Fatal(used, total)
	}
	for in, want := range map[string]string{"984401000000000010F7": "8944100000000000017", "8944100000000000017": "8944100000000000017", "89441000000000000170": "89441000000000000170"} {
		if got := unswapICCID(in); got != want {
			t.Errorf("unswapICCID(%s) = %s, want %s", in, got, want)
		}
	}
	if firstPlain([]string{"+CGSN: 867530012345674"}) != "867530012345674" || firstPlain([]string{"E173"}) != "E173" {
		t.Fatal("firstPlain")
	}
}

func TestGroupByIMEI(t *testing.T) {
	cs := []Candidate{
		{Port: "/dev/ttyUSB0", IMEI: "1", Usable: true, Product: "^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,DIAG:1,PCUI:2"},
		{Port: "/dev/ttyUSB1", Err: ErrNotModem, Note: "does not answer AT"},
		{Port: "/dev/ttyUSB2", IMEI: "1", Usable: true},
		{Port: "/dev/ttyUSB3", IMEI: "2", Usable: true},
		{Port: "/dev/ttyUSB4", Err: ErrPortBusy, Note: "port busy"},
		{Port: "/dev/cu.HUAWEIMobile-Modem", IMEI: "3", Usable: true},
		{Port: "/dev/cu.HUAWEIMobile-Pcui", IMEI: "3", Usable: true},
	}
	got := groupByIMEI(cs)
	var ports []string
	for _, c := range got {
		ports = append(ports, c.Port+"+"+strings.Join(c.OtherPorts, ","))
	}
	want := []string{"/dev/ttyUSB4+", "/dev/ttyUSB2+/dev/ttyUSB0", "/dev/ttyUSB3+", "/dev/cu.HUAWEIMobile-Pcui+/dev/cu.HUAWEIMobile-Modem"}
	if !slices.Equal(ports, want) {
		t.Fatalf("got %q\nwant %q", ports, want)
	}
	if n, ok := getPortModePCUI("^GETPORTMODE: TYPE: WCDMA: huawei,MDM:0,DIAG:1,PCUI:2"); !ok || n != 2 {
		t.Fatal(n, ok)
	}
}

// TestScanUSB reads a fake sysfs: a stick in CD-ROM mode, a HiLink stick,
// a working one with ttyUSB ports, and a device of another vendor.
func TestScanUSB(t *testing.T) {
	root := t.TempDir()
	dev := func(name, vid, pid, product string, ifaces map[string]string, tty bool) {
		d := filepath.Join(root, name)
		must(t, os.MkdirAll(d, 0o755))
		must(t, os.WriteFile(filepath.Join(d, "idVendor"), []byte(vid+"\n"), 0o644))
		must(t, os.WriteFile(filepath.Join(d, "idProduct"), []byte(pid+"\n"), 0o644))
		must(t, os.WriteFile(filepath.Join(d, "product"), []byte(product+"\n"), 0o644))
		for ifc, class := range ifaces {
			p := filepath.Join(root, name, name+":"+ifc)
			must(t, os.MkdirAll(p, 0o755))
			must(t, os.WriteFile(filepath.Join(p, "bInterfaceClass"), []byte(class+"\n"), 0o644))
			if tty {
				must(t, os.MkdirAll(filepath.Join(p, "ttyUSB"+ifc[len(ifc)-1:]), 0o755))
			}
		}
	}
	dev("1-1", "12d1", "1f01", "HUAWEI_MOBILE", map[string]string{"1.0": "08"}, false)
	dev("1-2", "12d1", "14dc", "HUAWEI_MOBILE", map[string]string{"1.0": "02", "1.1": "0a"}, false)
	dev("1-3", "12d1", "1506", "HUAWEI_MOBILE", map[string]string{"1.0": "ff", "1.2": "ff"}, true)
	dev("1-4", "12d1", "9999", "Unknown", map[string]string{"1.0": "08"}, false)
	dev("2-1", "0bda", "8153", "USB ethernet", map[string]string{"1.0": "ff"}, false)
	got := scanUSB(root)
	modes := map[string]string{}
	for _, s := range got {
		modes[s.PID] = s.Mode
	}
	want := map[string]string{"1f01": "cdrom", "14dc": "hilink", "1506": "", "9999": "cdrom"}
	if len(modes) != len(want) {
		t.Fatalf("%+v", got)
	}
	for pid, mode := range want {
		if modes[pid] != mode {
			t.Errorf("%s: mode %q, want %q", pid, modes[pid], mode)
		}
	}
	for _, s := range got {
		n := s.explain()
		switch s.Mode {
		case "cdrom":
			if !strings.Contains(n, "CD-ROM") || !strings.Contains(n, "usb_modeswitch -v 12d1 -p "+s.PID) {
				t.Errorf("note %q", n)
			}
		case "hilink":
			if !strings.Contains(n, "HiLink") || !strings.Contains(n, "no AT port") {
				t.Errorf("note %q", n)
			}
		default:
			if n != "" {
				t.Errorf("a working stick explained: %q", n)
			}
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
