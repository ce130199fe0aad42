package config

import (
	"context"
	"strings"
	"testing"
	"time"
)

type settings map[string]string

func (s settings) Settings(context.Context) (map[string]string, error) { return s, nil }

func TestPrecedence(t *testing.T) {
	env := map[string]string{"TEXTING_RUN": "0", "TEXTING_API_URL": "https://env.example/src"}
	stored := settings{"run": "1", "api.url": "https://stored.example/src", "region": "au", "dedupe.days": "90"}
	c, err := Load(context.Background(), stored, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Run || c.APIURL != "https://env.example/src" {
		t.Errorf("environment must beat settings: run %v, api.url %q", c.Run, c.APIURL)
	}
	if c.Region != "AU" || c.DedupeDays != 90 {
		t.Errorf("settings must beat defaults: region %q, dedupe %d", c.Region, c.DedupeDays)
	}
	if c.FollowupMinDays != 1 || c.FollowupMaxDays != 5 || c.AutoreplyDays != 30 || c.ClassifyThreshold != 0.9 ||
		c.FragmentsTimeout != 24*time.Hour || c.Quiet.String() != "21:00-08:00" {
		t.Errorf("defaults not as config.Keys and the README say: %+v", c)
	}
}

func TestBadStoredValueIsAnError(t *testing.T) {
	_, err := Load(context.Background(), settings{"dedupe.days": "lots"}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "dedupe.days") {
		t.Fatalf("err = %v, want one naming dedupe.days", err)
	}
	_, err = Load(context.Background(), settings{"followup.min_days": "6"}, func(string) string { return "" })
	if err == nil {
		t.Fatal("min days after max days accepted")
	}
	// A NaN threshold stored before it was refused (or written by hand) is
	// an error at load, not a model that silently never sorts.
	_, err = Load(context.Background(), settings{"classify.threshold": "NaN"}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "classify.threshold") {
		t.Fatalf("NaN threshold: err = %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		key, value string
		ok         bool
	}{
		{"api.url", "https://crm.example/api", true},
		{"api.url", "ftp://crm.example", false},
		{"run", "0", true},
		{"run", "maybe", false},
		{"region", "GB", true},
		{"region", "XX", false},
		{"dedupe.days", "180", true},
		{"dedupe.days", "-1", false},
		{"quiet.hours", "22:30-07:15", true},
		{"quiet.hours", "off", true},
		{"quiet.hours", "9-5", false},
		{"classify.threshold", "0.75", true},
		{"classify.threshold", "1.5", false},
		{"classify.threshold", "NaN", false},
		{"classify.threshold", "nan", false},
		{"classify.threshold", "Inf", false},
		{"classify.threshold", "-Inf", false},
		{"classify.threshold", "+Infinity", false},
		{"classify.threshold", "1e-3", true},
		{"classify.threshold", "0x1p-1", true},
		{"classify.threshold", "-0.1", false},
		{"template.max_parts", "6", true},
		{"template.max_parts", "255", true},
		{"template.max_parts", "256", false},
		{"template.max_parts", "0", false},
		{"template.max_parts", "NaN", false},
		{"template.max_parts", "6.5", false},
		{"fragments.timeout", "0s", false},
		{"fragments.timeout", "-1h", false},
		{"fragments.timeout", "1000000h", false},
		{"fragments.timeout", "720h", true},
		{"ssh.idle_timeout", "30m", true},
		{"ssh.idle_timeout", "1ns", false},
		{"autoreply.days", "NaN", false},
		{"dedupe.days", "1e3", false},
		{"fragments.timeout", "90m", true},
		{"fragments.timeout", "a day", false},
		{"managers", "07700 900123, +447700900124", true},
		{"managers", "07700 900123, nobody", false},
		{"serve.token", "short", false},
		{"colour", "blue", false},
	}
	for _, tt := range tests {
		_, err := Validate(tt.key, tt.value)
		if (err == nil) != tt.ok {
			t.Errorf("Validate(%q, %q) = %v, want ok %v", tt.key, tt.value, err, tt.ok)
		}
	}
}

func TestQuietHours(t *testing.T) {
	day := func(h, m int) time.Time { return time.Date(2026, 11, 26, h, m, 0, 0, time.UTC) }
	q, err := ParseQuietHours("21:00-08:00")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at      time.Time
		in      bool
		nextEnd time.Time
	}{
		{day(20, 59), false, day(20, 59)},
		{day(21, 0), true, day(8, 0).AddDate(0, 0, 1)},
		{day(23, 59), true, day(8, 0).AddDate(0, 0, 1)},
		{day(0, 0), true, day(8, 0)},
		{day(7, 59), true, day(8, 0)},
		{day(8, 0), false, day(8, 0)},
	}
	for _, tt := range tests {
		if got := q.In(tt.at); got != tt.in {
			t.Errorf("In(%s) = %v, want %v", tt.at.Format("15:04"), got, tt.in)
		}
		if got := q.NextEnd(tt.at); !got.Equal(tt.nextEnd) {
			t.Errorf("NextEnd(%s) = %s, want %s", tt.at.Format("15:04"), got, tt.nextEnd)
		}
	}
	day2, _ := ParseQuietHours("12:00-13:30")
	if !day2.In(day(12, 45)) || day2.In(day(13, 30)) || day2.In(day(11, 59)) {
		t.Error("a window within one day is wrong")
	}
	off, _ := ParseQuietHours("off")
	if off.In(day(3, 0)) {
		t.Error("off still quiet")
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "****", "hunter2secret": "****ret"} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
