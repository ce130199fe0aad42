package template

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"plain", "Hello there", true},
		{"both placeholders", "Hi {name}, {greeting}!", true},
		{"unknown", "Hi {nmae}", false},
		{"unclosed", "Hi {name", false},
		{"stray close", "Hi name}", false},
		{"empty", "   ", false},
		{"upper case is unknown", "Hi {Name}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.body)
			if (err == nil) != tt.ok {
				t.Fatalf("Check(%q) = %v, want ok=%v", tt.body, err, tt.ok)
			}
		})
	}
}

func TestRenderName(t *testing.T) {
	tests := []struct{ body, name, want string }{
		{"Hi {name}, how are you?", "michael", "Hi Michael, how are you?"},
		{"Hi {name}, how are you?", "", "Hi, how are you?"},
		{"{name} hello", "", "hello"},
		{"{name}", "", ""},
		{"Hi {name}! {greeting}", "  ANGELA smith", "Hi Angela! {greeting}"},
		{"Hi {name} and {name}", "", "Hi and"},
	}
	for _, tt := range tests {
		if got := RenderName(tt.body, tt.name); got != tt.want {
			t.Errorf("RenderName(%q, %q) = %q, want %q", tt.body, tt.name, got, tt.want)
		}
	}
}

func TestFirstName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"as written", "Angharad-Louise Jones", "Angharad-Louise"},
		{"inner capital kept", "McKenzie", "McKenzie"},
		{"mixed case apostrophe kept", "D'Arcy", "D'Arcy"},
		{"all capitals", "O'BRIEN", "O'Brien"},
		{"all capitals hyphen", "ANGHARAD-LOUISE", "Angharad-Louise"},
		{"all lower case", "mcdonald", "Mcdonald"},
		{"all lower case apostrophe", "o'brien", "O'Brien"},
		{"typographic apostrophe", "o’neill", "O’Neill"},
		{"first word only", "  michael JONES", "Michael"},
		{"odd case kept", "sAM", "sAM"},
		{"non-Latin lower", "мария", "Мария"},
		{"no letters", "42", "42"},
		{"empty", "   ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FirstName(tt.in); got != tt.want {
				t.Errorf("FirstName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckSize(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		maxParts int
		wantErr  string
	}{
		{"one part", "Hi {name}, {greeting}!", 6, ""},
		{"six parts fits six", strings.Repeat("a", 153*6-40) + " {name} {greeting}", 6, ""},
		{"seven parts over six", strings.Repeat("a", 153*7-40) + " {name}", 6, "7 SMS parts, more than template.max_parts (6)"},
		{"placeholders counted filled", strings.Repeat("a", 160-5) + "{name}", 6, ""},
		{"40,000 characters", strings.Repeat("x", 40000), 255, "262 SMS parts; no text can have more than 255"},
		{"setting 0 means 255", strings.Repeat("x", 40000), 0, "no text can have more than 255"},
		{"UCS-2 counts 67 a part", strings.Repeat("é€😀", 150), 6, "SMS parts, more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSize(tt.body, tt.maxParts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckSize: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckSize = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
