package pdu

import (
	"testing"
	"time"
)

// benchPDUs is a realistic inbox: 7-bit from a number, an alphanumeric
// sender, a UCS-2 part of a long text, a 7-bit part with a header, a status
// report.
var benchPDUs = []string{
	"07911326040000F0040B911346610089F60000208062917314480CC8F71D14969741F977FD07",
	"0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9",
	"038121F340048155550119906041001222048C0500031E0301041804420430043A002C002004100" +
		"43B0435043A04410430043D04340440002000200441043B044304480430043B00200437043" +
		"000200434043204350440044C044E0020002004380020002004320441043500200431043E0" +
		"43B044C044804350020043F0440043504380441043F043E043B043D044F043B0441044F002" +
		"000200433043D0435",
	"0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20",
	"079144973770939906270C91449777621047012021216043000120212160930000",
}

// BenchmarkDecode decodes the benchPDUs in turn, hex to Message.
func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := Decode(benchPDUs[n%len(benchPDUs)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pdus/s")
}

// benchTexts are campaign texts: a one-part GSM 7-bit text with a euro
// sign, and a one-part UCS-2 one.
var benchTexts = []string{
	"Good morning Anna! Your spring offer is ready: 20% off all plans until Friday, from €9/month. Reply STOP to opt out.",
	"Привет, Анна! Скидка 20% до пятницы 😀 Ответьте STOP.",
}

// BenchmarkEncode encodes benchTexts in turn as SMS-SUBMIT, text to hex.
func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	n := 0
	opts := SubmitOptions{StatusReport: true, Validity: 48 * time.Hour}
	for b.Loop() {
		if _, err := EncodeSubmit("+447700900123", benchTexts[n%len(benchTexts)], opts); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
}

// BenchmarkEncodeLong encodes a three-part GSM 7-bit text.
func BenchmarkEncodeLong(b *testing.B) {
	b.ReportAllocs()
	text := benchTexts[0] + " " + benchTexts[0] + " " + benchTexts[0] + " " + benchTexts[0]
	for b.Loop() {
		if _, err := EncodeSubmit("+447700900123", text, SubmitOptions{ConcatRef: 9}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCounting counts a campaign text, as the editor does per keystroke.
func BenchmarkCounting(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Counting(benchTexts[0])
	}
}
