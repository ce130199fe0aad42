package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

func TestParseSendAnswer(t *testing.T) {
	numbers := []string{"+61412345678", "+61412345679", "+61412345670"}
	ok := func(n, ref string) Result { return Result{Number: n, OK: true, ProviderRef: ref} }
	bad := func(n, reason string) Result { return Result{Number: n, Reason: reason} }
	tests := []struct {
		name     string
		answer   string
		complete bool
		want     []Result
		wantErr  []error // all must match; nil error when empty
		reason   string  // RejectedError.Reason
	}{
		{
			name:     "all OK, documented spacing, answer order differs",
			answer:   "OK: 61412345679: 2942264\nOK: 61412345678: 2942263\nOK: 61412345670: 2942265\n",
			complete: true,
			want:     []Result{ok(numbers[0], "2942263"), ok(numbers[1], "2942264"), ok(numbers[2], "2942265")},
		},
		{
			name:     "mixed OK and BAD, no spaces, CRLF, no final newline",
			answer:   "OK:61412345678:11\r\nBAD:61412345679:Invalid Number\r\nOK: 61412345670:13",
			complete: true,
			want:     []Result{ok(numbers[0], "11"), bad(numbers[1], "Invalid Number"), ok(numbers[2], "13")},
		},
		{
			name:     "provider answers in national form",
			answer:   "OK: 0412345678: 1\nBAD: 412345679: Invalid Number\nOK: 61412345670: 3\n",
			complete: true,
			want:     []Result{ok(numbers[0], "1"), bad(numbers[1], "Invalid Number"), ok(numbers[2], "3")},
		},
		{
			name:     "blank and stray lines do not matter once all are answered",
			answer:   "\nOK: 61412345678: 1\nOK: 61412345679: 2\nBAD: 61412345670: Blocked\nThanks\n",
			complete: true,
			want:     []Result{ok(numbers[0], "1"), ok(numbers[1], "2"), bad(numbers[2], "Blocked")},
		},
		{
			name:     "bad credentials",
			answer:   "ERROR: Username or password is incorrect\n",
			complete: true,
			wantErr:  []error{ErrRejected},
			reason:   "Username or password is incorrect",
		},
		{
			name:     "error line even if the answer broke off after it",
			answer:   "ERROR: Not enough credits\n",
			complete: false,
			wantErr:  []error{ErrRejected},
			reason:   "Not enough credits",
		},
		{
			name:     "garbage",
			answer:   "<html><body>Bad Gateway</body></html>",
			complete: true,
			wantErr:  []error{ErrUnknownOutcome, ErrBadAnswer},
		},
		{
			name:     "empty answer",
			answer:   "",
			complete: true,
			wantErr:  []error{ErrUnknownOutcome, ErrBadAnswer},
		},
		{
			name:     "some recipients missing: answered ones kept",
			answer:   "OK: 61412345678: 1\nBAD: 61412345670: Invalid Number\n",
			complete: false,
			want:     []Result{ok(numbers[0], "1"), bad(numbers[2], "Invalid Number")},
			wantErr:  []error{ErrUnknownOutcome},
		},
		{
			name:     "OK without a provider reference is not an answer",
			answer:   "OK: 61412345678\nOK: 61412345679: 2\nOK: 61412345670: 3\n",
			complete: true,
			want:     []Result{ok(numbers[1], "2"), ok(numbers[2], "3")},
			wantErr:  []error{ErrUnknownOutcome},
		},
		{
			name:     "line for a number we did not send to",
			answer:   "OK: 61412345678: 1\nOK: 61499999999: 2\nOK: 61412345670: 3\n",
			complete: true,
			want:     []Result{ok(numbers[0], "1"), ok(numbers[2], "3")},
			wantErr:  []error{ErrUnknownOutcome},
		},
		{
			name:     "contradicting lines for one recipient",
			answer:   "OK: 61412345678: 1\nBAD: 61412345678: Invalid Number\nOK: 61412345678: 1\nOK: 61412345679: 2\nOK: 61412345670: 3\n",
			complete: true,
			want:     []Result{ok(numbers[1], "2"), ok(numbers[2], "3")},
			wantErr:  []error{ErrUnknownOutcome},
		},
		{
			name:     "repeated identical line is harmless",
			answer:   "OK: 61412345678: 1\nOK: 61412345678: 1\nOK: 61412345679: 2\nOK: 61412345670: 3\n",
			complete: true,
			want:     []Result{ok(numbers[0], "1"), ok(numbers[1], "2"), ok(numbers[2], "3")},
		},
		{
			name:     "ERROR mixed with per-recipient lines",
			answer:   "OK: 61412345678: 1\nERROR: Internal error\n",
			complete: true,
			wantErr:  []error{ErrUnknownOutcome},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSendAnswer(splitLines(tt.answer), tt.complete, numbers)
			if len(tt.wantErr) == 0 && err != nil {
				t.Fatalf("error %v, want none", err)
			}
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("error %v, want one wrapping %v", err, want)
				}
			}
			if tt.reason != "" {
				var re *RejectedError
				if !errors.As(err, &re) || re.Reason != tt.reason {
					t.Errorf("error %v, want RejectedError with reason %q", err, tt.reason)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("results\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseBalanceAnswer(t *testing.T) {
	tests := []struct {
		name     string
		answer   string
		complete bool
		want     int
		wantErr  error
	}{
		{"ok", "OK: 1500\n", true, 1500, nil},
		{"ok no space", "OK:7", true, 7, nil},
		{"zero", "OK: 0\n", true, 0, nil},
		{"error", "ERROR: Username or password is incorrect\n", true, 0, ErrRejected},
		{"not a number", "OK: lots\n", true, 0, ErrBadAnswer},
		{"negative", "OK: -3\n", true, 0, ErrBadAnswer},
		{"garbage", "<html></html>", true, 0, ErrBadAnswer},
		{"empty", "", true, 0, ErrBadAnswer},
		{"broke off", "", false, 0, ErrBadAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBalanceAnswer(splitLines(tt.answer), tt.complete)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("credits %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMatchNumber(t *testing.T) {
	wire := []string{"61412345678", "447700900123", "0412000111"}
	tests := []struct {
		answered string
		want     int
	}{
		{"61412345678", 0},
		{"+61412345678", 0},
		{"0412345678", 0},
		{"412345678", 0},
		{"07700900123", 1},
		{"447700900123", 1},
		{"61412000111", 2}, // we sent national, the provider answered international
		{"61412345679", -1},
		{"5678", -1},
		{"", -1},
		{"0400abc111", -1},
	}
	for _, tt := range tests {
		t.Run(tt.answered, func(t *testing.T) {
			if got := matchNumber(tt.answered, wire); got != tt.want {
				t.Errorf("matchNumber(%q) = %d, want %d", tt.answered, got, tt.want)
			}
		})
	}
	t.Run("ambiguous national form", func(t *testing.T) {
		if got := matchNumber("0412345678", []string{"61412345678", "64412345678"}); got != -1 {
			t.Errorf("got %d, want -1", got)
		}
	})
}

func TestAccountNeverShowsPassword(t *testing.T) {
	const secret = "s3cr3t-Pa55"
	a := Account{URL: "https://user:" + secret + "@api.example/api-adv.php?password=" + secret,
		Username: "acme", Password: secret, Sender: "Acme"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("account", "acct", a)
	shown := []string{
		fmt.Sprint(a), fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a), fmt.Sprintf("%s", a),
		fmt.Sprint(&a), logged.String(),
	}
	for i, s := range shown {
		if strings.Contains(s, secret) {
			t.Errorf("form %d shows the password: %s", i, s)
		}
		if !strings.Contains(s, "acme") {
			t.Errorf("form %d lost the username: %s", i, s)
		}
	}
	if strings.Contains(fmt.Sprint(Account{}), masked) {
		t.Errorf("an empty password is shown as set: %v", Account{})
	}
}

func TestValidSender(t *testing.T) {
	tests := []struct {
		sender string
		ok     bool
	}{
		{"", true},
		{"Acme", true},
		{"ACME2026", true},
		{"Abcdefghijk", true},
		{"Abcdefghijkl", false},
		{"Acme Ltd", false},
		{"Acme-Ltd", false},
		{"Café", false},
		{"61412345678", true},
		{"+61412345678", true},
		{"+4477009001231234", false},
		{"+", false},
	}
	for _, tt := range tests {
		t.Run(tt.sender, func(t *testing.T) {
			if err := ValidSender(tt.sender); (err == nil) != tt.ok {
				t.Errorf("ValidSender(%q) = %v, want ok=%v", tt.sender, err, tt.ok)
			}
		})
	}
}

func TestNormaliseStatus(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Delivered", StateDelivered},
		{" delivered ", StateDelivered},
		{"DELIVRD", StateDelivered},
		{"Expired", StateExpired},
		{"Failed", StateFailed},
		{"Undeliverable", StateFailed},
		{"Rejected", StateFailed},
		{"Pending", ""},
		{"Sent", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := NormaliseStatus(tt.in); got != tt.want {
				t.Errorf("NormaliseStatus(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestInboundKey(t *testing.T) {
	base := InboundCallback{To: "61400000001", From: "61412345678", Message: "Yes please", Ref: "42"}
	if base.Key() != base.Key() {
		t.Fatal("key is not stable")
	}
	variants := []InboundCallback{
		{To: base.To, From: base.From, Message: base.Message},
		{To: base.To, From: base.From, Message: base.Message + " ", Ref: base.Ref},
		{To: base.From, From: base.To, Message: base.Message, Ref: base.Ref},
		// Field boundaries count: moving text between fields changes the key.
		{To: base.To, From: base.From, Message: "Yes", Ref: " please42"},
	}
	for i, v := range variants {
		if v.Key() == base.Key() {
			t.Errorf("variant %d has the same key as the original", i)
		}
	}
}
