package gatewaytest

import (
	"strings"
	"unicode/utf16"
)

// gsmBasic and gsmExtension are the GSM 03.38 default alphabet and the
// characters of its extension table (each costs an escape septet too).
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)

// Segments is how many SMS parts a text takes, as the provider bills it: GSM
// 7-bit when every character is in the default alphabet (160 septets, or 153
// per part when concatenated; extension characters take two and are never
// split), UCS-2 otherwise (70 UTF-16 units, or 67 per part; surrogate pairs
// are never split).
func Segments(text string) int {
	if text == "" {
		return 1
	}
	var widths []int
	gsm := true
	for _, r := range text {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			widths = append(widths, 1)
		case strings.ContainsRune(gsmExtension, r):
			widths = append(widths, 2)
		default:
			gsm = false
		}
		if !gsm {
			break
		}
	}
	single, perPart := 160, 153
	if !gsm {
		widths = widths[:0]
		for _, r := range text {
			widths = append(widths, utf16.RuneLen(r))
		}
		single, perPart = 70, 67
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	if total <= single {
		return 1
	}
	parts, used := 1, 0
	for _, w := range widths {
		if used+w > perPart {
			parts++
			used = 0
		}
		used += w
	}
	return parts
}
