package phone

import (
	"errors"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, region, want string
		wantErr                bool
	}{
		{"national with space", "07700 900123", "GB", "+447700900123", false},
		{"international without plus", "447700900123", "GB", "+447700900123", false},
		{"international with plus", "+44 7700 900123", "GB", "+447700900123", false},
		{"double zero", "0044 7700 900123", "GB", "+447700900123", false},
		{"dashes and brackets", "(07700) 900-123", "GB", "+447700900123", false},
		{"region default", "07700900123", "", "+447700900123", false},
		{"other region", "0412 345 678", "AU", "+61412345678", false},
		{"us number", "+1 415 555 2671", "GB", "+14155552671", false},
		{"landline", "0115 496 0000", "GB", "+441154960000", false},
		{"too short", "123", "GB", "", true},
		{"letters", "07700 9OO123", "GB", "", true},
		{"empty", "  ", "GB", "", true},
		{"too long", "07700 9001234567", "GB", "", true},
		{"bad country code", "+999 1234 5678", "GB", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in, tt.region)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Normalize(%q) = %q, %v; want ErrInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSender(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Vodafone", "Vodafone"},
		{"O2", "O2"},
		{"07700900123", "+447700900123"},
		{"+447700900123", "+447700900123"},
		{"88088", "88088"},
	}
	for _, tt := range tests {
		if got := Sender(tt.in, "GB"); got != tt.want {
			t.Errorf("Sender(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	in := []string{"07700 900123", "0115 496 0000", "447700900123", "+44 7700 900123", "07450000000"}
	for i := 0; i < b.N; i++ {
		if _, err := Normalize(in[i%len(in)], "GB"); err != nil {
			b.Fatal(err)
		}
	}
}
