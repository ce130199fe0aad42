package template

import "testing"

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
