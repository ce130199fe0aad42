package pdu

import (
	"reflect"
	"strings"
	"testing"
)

func TestCounting(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Count
	}{
		{"empty", "", Count{Encoding: GSM7, Parts: 1, Left: 160}},
		{"hello", "Hello", Count{Encoding: GSM7, Parts: 1, Chars: 5, Units: 5, Left: 155}},
		{"full single", strings.Repeat("a", 160), Count{Encoding: GSM7, Parts: 1, Chars: 160, Units: 160, Left: 0}},
		{"one over", strings.Repeat("a", 161), Count{Encoding: GSM7, Parts: 2, Chars: 161, Units: 161, Left: 145}},
		{"two full parts", strings.Repeat("a", 306), Count{Encoding: GSM7, Parts: 2, Chars: 306, Units: 306, Left: 0}},
		{"euro counts two", "€5", Count{Encoding: GSM7, Parts: 1, Chars: 2, Units: 3, Left: 157}},
		{"escape pair moved to part two", strings.Repeat("a", 152) + "€" + strings.Repeat("b", 10),
			Count{Encoding: GSM7, Parts: 2, Chars: 163, Units: 164, Left: 141}},
		{"cyrillic", "Привет", Count{Encoding: UCS2, Parts: 1, Chars: 6, Units: 6, Left: 64, ForcedBy: []rune("Привет")}},
		{"forced by emoji and c-cedilla", "Hi 😀 😀 ça", Count{Encoding: UCS2, Parts: 1, Chars: 9, Units: 11, Left: 59, ForcedBy: []rune{'😀', 'ç'}}},
		{"ucs2 two parts", strings.Repeat("ж", 71), Count{Encoding: UCS2, Parts: 2, Chars: 71, Units: 71, Left: 63, ForcedBy: []rune{'ж'}}},
		{"surrogate pair moved to part two", strings.Repeat("ж", 66) + "😀" + strings.Repeat("ж", 5),
			Count{Encoding: UCS2, Parts: 2, Chars: 72, Units: 73, Left: 60, ForcedBy: []rune{'ж', '😀'}}},
		{"more than 255 parts", strings.Repeat("a", 153*300), Count{Encoding: GSM7, Parts: 300, Chars: 45900, Units: 45900, Left: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Counting(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Counting = %+v\n          want %+v", got, tc.want)
			}
		})
	}
}
