package campaign_test

import (
	"context"
	"sort"
	"testing"

	"github.com/texting-centre/texting/campaign"
	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/outbox/outboxtest"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/store/storetest"
)

// TestRunCampaignOnlyMobiles: a data source holding every kind of number
// of several countries (httptest). Only mobiles (and numbers of the regions
// where fixed and mobile numbers share ranges, and the UK drama range the
// tests use) are texted; freephone, premium-rate, shared-cost, landline,
// personal and pager numbers are skipped as not_a_mobile and counted.
// Names with control characters are cleaned before {name}; one with nothing
// left renders as no name.
func TestRunCampaignOnlyMobiles(t *testing.T) {
	ctx := context.Background()
	db, _ := openDB(t, thursday)
	sim := storetest.AddSIM(t, db, "O2", 1000)
	addTemplate(t, db, store.Template{Name: "mixed", Body: "Hi {name}, {greeting}!"})
	entries := [][]string{
		// texted
		{"07911 123456", "uk mobile"},
		{"07700 900123", "drama"},
		{"+4915123456789", "de mobile"},
		{"+33612345678", "fr mobile"},
		{"+61412345678", "au mobile"},
		{"+12015550123", "us fixed or mobile"},
		{"+447700900124", "\x1b]0;pwn\x07eve"},
		{"+447700900125", "\x00\x1b[31m\u202e"},
		{"+447700900126", "Bob\x00by"},
		// not a mobile
		{"0800 123 4567", "uk freephone"},
		{"09098 790000", "uk premium"},
		{"+44 20 7946 0000", "uk landline"},
		{"0843 123 4567", "uk shared cost"},
		{"07000 123456", "uk personal"},
		{"07640 123456", "uk pager"},
		{"+4930123456", "de landline"},
		{"+4980012345678", "de freephone"},
		{"+33123456789", "fr landline"},
		{"+33800123456", "fr freephone"},
		{"+61212345678", "au landline"},
		{"+611800123456", "au freephone"},
		{"+18005550199", "us toll free"},
		{"+19005550199", "us premium"},
	}
	const texted = 9
	src := newSource(t, doc(t, map[string][][]string{"mixed": entries}))
	fake := &outboxtest.Sender{Card: sim}
	env := newEnv(t, db, []outbox.Sender{fake}...)
	sum, err := campaign.RunCampaign(ctx, env, campaign.CampaignOptions{Source: campaign.Source{URL: src.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Groups) != 1 {
		t.Fatalf("groups %+v", sum.Groups)
	}
	g := sum.Groups[0]
	if g.Sent != texted || g.Skipped[campaign.SkipNotMobile] != len(entries)-texted || g.Skipped[campaign.SkipInvalid] != 0 {
		t.Errorf("sent %d, skipped %v; want %d sent and %d not a mobile", g.Sent, g.Skipped, texted, len(entries)-texted)
	}
	var got []string
	texts := map[string]string{}
	for _, o := range fake.Texts() {
		got = append(got, o.Number)
		texts[o.Number] = o.Text
	}
	sort.Strings(got)
	want := []string{"+12015550123", "+33612345678", "+447700900123", "+447700900124", "+447700900125",
		"+447700900126", "+447911123456", "+4915123456789", "+61412345678"}
	if len(got) != len(want) {
		t.Fatalf("texted %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("texted %v, want %v", got, want)
		}
	}
	for number, text := range map[string]string{
		"+447700900124": "Hi Eve, Have a good day!", // the escape sequence goes whole, the name stays
		"+447700900125": "Hi, Have a good day!",     // nothing left: no name
		"+447700900126": "Hi Bobby, Have a good day!",
	} {
		if texts[number] != text {
			t.Errorf("text to %s = %q, want %q", number, texts[number], text)
		}
	}
	msgs := outgoing(t, db)
	for _, m := range msgs {
		if m.Number == "+447700900126" && m.Text != "Hi Bobby, Have a good day!" {
			t.Errorf("stored copy %q", m.Text)
		}
	}
}
