package template

import "testing"

func TestCleanName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Eve", "Eve"},
		{"\x1b]0;pwn\x07eve", "eve"},
		{"\x1b]52;c;Y2xpcA==\x1b\\Ann", "Ann"},
		{"\x1b[31mRed\x1b[0m", "Red"},
		{"\u009b31mRed", "Red"},
		{"\u009d0;title\u009cTom", "Tom"},
		{"Bob\x00by", "Bobby"},
		{"\u202eevE", "evE"},
		{"\x00\x1b[31m\u202e", ""},
		{"Zoë\x07", "Zoë"},
		{"\x1b", ""},
		{"\x1b[", ""},
		{"\x1b]0;never ends", ""},
		{"Mary Ann", "Mary Ann"},
	}
	for _, tt := range tests {
		if got := CleanName(tt.in); got != tt.want {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderNameCleansTheName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"\x1b]0;pwn\x07eve", "Hi Eve, hello"},
		{"\x00\x1b[31m", "Hi, hello"},
		{"Bob\x00by Jones", "Hi Bobby, hello"},
	}
	for _, tt := range tests {
		if got := RenderName("Hi {name}, hello", tt.name); got != tt.want {
			t.Errorf("RenderName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"\x1b]0;pwn\x07eve", "\x1b[", "\u009b", "Bob\x00by", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := CleanName(s)
		for _, r := range out {
			if dropFromName(r) {
				t.Fatalf("CleanName(%q) = %q keeps %U", s, out, r)
			}
		}
		if CleanName(out) != out {
			t.Fatalf("CleanName is not idempotent on %q", s)
		}
	})
}
