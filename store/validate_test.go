package store_test

import (
	"strings"
	"testing"

	"github.com/texting-centre/texting/store"
)

func TestSIMValidate(t *testing.T) {
	ok := store.SIM{NetworkID: 1, Ref: 3, IMSI: "234101234567890", Phone: "+447700900123", DailyLimit: 300}
	gw := store.SIM{NetworkID: 2, GatewayURL: "https://api.example/api-adv.php", GatewayUser: "u", GatewayPassword: "p", SenderID: "Acme"}
	tests := []struct {
		name    string
		edit    func(s *store.SIM)
		base    store.SIM
		wantErr string // "" = valid
	}{
		{"card", func(s *store.SIM) {}, ok, ""},
		{"gateway account", func(s *store.SIM) {}, gw, ""},
		{"no network", func(s *store.SIM) { s.NetworkID = 0 }, ok, "network is required"},
		{"negative ref", func(s *store.SIM) { s.Ref = -1 }, ok, "reference"},
		{"IMSI letters", func(s *store.SIM) { s.IMSI = "abc" }, ok, `IMSI must be 6 to 15 digits, not "abc"`},
		{"IMSI too long", func(s *store.SIM) { s.IMSI = "1234567890123456" }, ok, "IMSI"},
		{"IMSI unknown", func(s *store.SIM) { s.IMSI = "" }, ok, ""},
		{"phone not normalised", func(s *store.SIM) { s.Phone = "07700 900123" }, ok, "phone"},
		{"negative limit", func(s *store.SIM) { s.DailyLimit = -5 }, ok, "daily limit"},
		{"zero limit", func(s *store.SIM) { s.DailyLimit = 0 }, ok, ""},
		{"sender too long", func(s *store.SIM) { s.SenderID = "WAYTOOLONGSENDERNAME!!" }, gw, "at most 11 characters"},
		{"sender punctuation", func(s *store.SIM) { s.SenderID = "Acme!" }, gw, "only letters, digits and spaces"},
		{"sender number", func(s *store.SIM) { s.SenderID = "+447700900123" }, gw, ""},
		{"URL not http", func(s *store.SIM) { s.GatewayURL = "ftp://x" }, gw, "not an http or https URL"},
		{"no password", func(s *store.SIM) { s.GatewayPassword = "" }, gw, "a URL, a user and a password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.base
			tt.edit(&s)
			err := s.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestUpdatesApply(t *testing.T) {
	name, alt, empty := "Call back", "alt", ""
	c := store.CategoryUpdate{Name: &name, Followup: &alt}.Apply(store.Category{Name: "X", Followup: store.FollowupNone, AutoReply: "hi"})
	if c.Name != "Call back" || c.Followup != store.FollowupAlternative || c.AutoReply != "hi" {
		t.Errorf("category update: %+v", c)
	}
	tpl := store.TemplateUpdate{Followup: &empty}.Apply(store.Template{Name: "A", Body: "b", Followup: "f"})
	if tpl.Followup != "" || tpl.Body != "b" {
		t.Errorf("template update: %+v", tpl)
	}
	for _, bad := range []string{"sometimes", ""} {
		c := store.CategoryUpdate{Followup: &bad}.Apply(store.Category{Name: "X"})
		if err := c.Validate(); err == nil {
			t.Errorf("follow-up %q validated", bad)
		}
	}
	pw := "new"
	s := store.SIM{GatewayPassword: "old"}
	if !(store.SIMUpdate{Password: &pw}).NewCredentials(s) {
		t.Error("a new password is not new credentials")
	}
	same := "old"
	if (store.SIMUpdate{Password: &same}).NewCredentials(s) {
		t.Error("the same password counts as new credentials")
	}
}
