package campaign

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/outbox"
	"github.com/texting-centre/texting/phone"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// Reasons a recipient is skipped, as counted in plans and summaries.
const (
	SkipOptedOut  = "opted_out"
	SkipDuplicate = "duplicate"
	SkipInvalid   = "invalid"
	// SkipNotMobile: a valid number that is not a mobile (a landline,
	// freephone, premium-rate, shared-cost … number; see phone.KindOf).
	SkipNotMobile  = "not_a_mobile"
	SkipNoCapacity = "no_capacity"
)

// SkipReasons lists the reasons in the order summaries show them.
func SkipReasons() []string {
	return []string{SkipOptedOut, SkipDuplicate, SkipInvalid, SkipNotMobile, SkipNoCapacity}
}

// PlannedText is one text the plan will queue.
type PlannedText struct {
	Number string // E.164
	Raw    string // the number as the data source wrote it
	Name   string // first name
	Text   string // {name} rendered, {greeting} still in it
	Parts  int    // as counted with the greeting of planning time
	SIMID  int64
}

// GroupPlan is the plan for one data-source group.
type GroupPlan struct {
	Group      string
	Template   store.Template // zero when the group has none
	Recipients int
	Texts      []PlannedText
	Parts      int
	Skipped    map[string]int // by reason
	// Error says why nothing is sent for the group (no template).
	Error string
}

// SIMPlan is one SIM's share of the plan against what it had left today:
// its outbox.Room once the plan has taken what it takes.
type SIMPlan = outbox.Room

// Plan is who gets which text from which SIM.
type Plan struct {
	Groups []GroupPlan
	SIMs   []SIMPlan
	// NoCapacity is the recipients no SIM can take today (not queued).
	NoCapacity int
}

// Texts is the number of texts planned in all groups.
func (p *Plan) Texts() int {
	n := 0
	for _, g := range p.Groups {
		n += len(g.Texts)
	}
	return n
}

// Planner plans a campaign against the database.
type Planner struct {
	DB     *store.DB
	Region string // for numbers without a country code
	// DedupeDays is the window in which nobody gets a second campaign text.
	DedupeDays int
	Loc        *time.Location
	// Greet gives the greeting used to count parts at planning time; the
	// real one is rendered when the text goes.
	Greet func(time.Time) string
	// Remember stores the E.164 forms of numbers met for the first time, so
	// that the next run need not parse them again (off for dry runs).
	Remember bool
	// Managers get the run's summary text: the plan keeps room for it, so
	// that a run that fills every SIM still tells them.
	Managers []string
}

// normalise returns the E.164 form of every number in groups ("" for the
// invalid ones): remembered forms from the store, the others through
// phone.Normalize on every CPU. found is the valid ones met for the first
// time, to remember (nil unless p.Remember).
func (p *Planner) normalise(ctx context.Context, groups []Group) (all, found map[string]string, err error) {
	total := 0
	for _, g := range groups {
		total += len(g.Entries)
	}
	seen := make(map[string]struct{}, total)
	raws := make([]string, 0, total)
	for _, g := range groups {
		for _, e := range g.Entries {
			if _, ok := seen[e.Number]; !ok {
				seen[e.Number] = struct{}{}
				raws = append(raws, e.Number)
			}
		}
	}
	all, err = p.DB.NumberForms(ctx, p.Region, raws)
	if err != nil {
		return nil, nil, fmt.Errorf("plan: %w", err)
	}
	todo := raws
	if len(all) > 0 {
		todo = make([]string, 0, len(raws)-len(all))
		for _, r := range raws {
			if _, ok := all[r]; !ok {
				todo = append(todo, r)
			}
		}
	}
	// Each worker takes one contiguous share of todo.
	out := make([]string, len(todo))
	workers := min(runtime.GOMAXPROCS(0), len(todo)/1000+1)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(todo)/workers, (w+1)*len(todo)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				out[i], _ = phone.Normalize(todo[i], p.Region)
			}
		})
	}
	wg.Wait()
	if p.Remember {
		found = make(map[string]string, len(todo))
	}
	for i, r := range todo {
		all[r] = out[i]
		if found != nil && out[i] != "" {
			found[r] = out[i]
		}
	}
	return all, found, nil
}

// rendered is a group's text for one name, as the plan counts it.
type rendered struct {
	text  string // {name} rendered
	first string // FirstName of the name
	parts int    // with the greeting of planning time
}

// renderer renders each group's text once per distinct name: a data source
// repeats first names, and the parts count is the costly step.
type renderer struct {
	greeting string
	done     map[renderKey]rendered
}

type renderKey struct {
	group int
	name  string
}

func (r *renderer) render(group int, body, name string) rendered {
	k := renderKey{group, name}
	if v, ok := r.done[k]; ok {
		return v
	}
	text := template.RenderName(body, name)
	v := rendered{text: text, first: template.FirstName(name), parts: template.Parts(template.RenderGreeting(text, r.greeting))}
	r.done[k] = v
	return v
}

// Plan plans groups for the SIMs given (the connected ones). Modem SIMs take
// recipients least used first, so that the load evens out over the fleet;
// gateway SIMs take only what the modems cannot. A recipient who has texted
// with one of the SIMs before gets that SIM when it has room (sticky SIM).
func (p *Planner) Plan(ctx context.Context, groups []Group, sims []store.SIM) (*Plan, error) {
	loc := p.Loc
	if loc == nil {
		loc = time.Local
	}
	now := p.DB.Now()

	// Normalise every number once (remembered forms first, the rest in
	// parallel). The new forms are saved while the plan is made.
	forms, found, err := p.normalise(ctx, groups)
	if err != nil {
		return nil, err
	}
	var saved chan error
	if len(found) > 0 {
		saved = make(chan error, 1)
		go func() { saved <- p.DB.SaveNumberForms(ctx, p.Region, found) }()
	}
	plan, err := p.plan(ctx, groups, sims, forms, now, loc)
	if saved != nil {
		if err := <-saved; err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
	}
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// plan is Plan once the numbers are normalised: forms maps every number of
// groups to its E.164 form ("" when invalid).
func (p *Planner) plan(ctx context.Context, groups []Group, sims []store.SIM, forms map[string]string, now time.Time, loc *time.Location) (*Plan, error) {
	plan := &Plan{}
	// Note repeats within the document.
	type rec struct {
		group, idx int
		number     string
		raw, name  string
	}
	total := 0
	for _, g := range groups {
		total += len(g.Entries)
	}
	recs := make([]rec, 0, total)
	numbers := make([]string, 0, total)
	first := make(map[string]bool, total)
	for gi, g := range groups {
		gp := GroupPlan{Group: g.Name, Recipients: len(g.Entries), Skipped: map[string]int{}}
		for _, r := range SkipReasons() {
			gp.Skipped[r] = 0
		}
		plan.Groups = append(plan.Groups, gp)
		for i, e := range g.Entries {
			n := forms[e.Number]
			if n == "" {
				plan.Groups[gi].Skipped[SkipInvalid]++
				continue
			}
			recs = append(recs, rec{gi, i, n, e.Number, e.Name})
			if !first[n] {
				numbers = append(numbers, n)
			}
			first[n] = true
		}
	}
	var texted, optedOut map[string]bool
	var terr, oerr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		texted, terr = p.DB.CampaignTexted(ctx, numbers, now.AddDate(0, 0, -p.DedupeDays))
	}()
	go func() {
		defer wg.Done()
		optedOut, oerr = p.DB.OptedOutOf(ctx, numbers)
	}()
	wg.Wait()
	if err := errors.Join(terr, oerr); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	var candidates []string // only they can get a text: only their sticky SIM matters
	for _, n := range numbers {
		if !texted[n] && !optedOut[n] {
			candidates = append(candidates, n)
		}
	}
	last, err := p.DB.LastSIMs(ctx, candidates)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	notMobile := notMobiles(candidates)
	templates, err := p.DB.Templates(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	byName := map[string]store.Template{}
	for _, t := range templates {
		byName[strings.ToLower(strings.TrimSpace(t.Name))] = t
	}
	for gi := range plan.Groups {
		g := &plan.Groups[gi]
		t, ok := byName[strings.ToLower(strings.TrimSpace(g.Group))]
		if !ok {
			g.Error = fmt.Sprintf("no template named %q: group skipped", g.Group)
			continue
		}
		if err := template.Check(t.Body); err != nil {
			g.Error = fmt.Sprintf("template %q: %v: group skipped", t.Name, err)
			continue
		}
		g.Template = t
	}

	cap, err := outbox.MeasureCapacity(ctx, p.DB, sims, now, loc)
	if err != nil {
		return nil, err
	}
	greeting := ""
	if p.Greet != nil {
		greeting = p.Greet(now.In(loc))
	}
	// Room for the managers' summary first: at worst every group with a
	// count in the thousands.
	// The reservation shows in the SIMs' planned parts.
	if len(p.Managers) > 0 {
		parts := managerParts(plan)
		for range p.Managers {
			if s := cap.Pick(parts, 0); s != nil {
				s.Take(parts)
			}
		}
	}
	rd := renderer{greeting: greeting, done: map[renderKey]rendered{}}
	taken := make(map[string]bool, len(candidates)) // planned already: a number repeated in the document gets one text
	for _, r := range recs {
		g := &plan.Groups[r.group]
		if g.Error != "" {
			continue
		}
		if optedOut[r.number] {
			g.Skipped[SkipOptedOut]++
			continue
		}
		if texted[r.number] || taken[r.number] {
			g.Skipped[SkipDuplicate]++
			continue
		}
		if notMobile[r.number] {
			g.Skipped[SkipNotMobile]++
			continue
		}
		t := rd.render(r.group, g.Template.Body, r.name)
		parts := t.parts
		s := cap.Pick(parts, last[r.number])
		if s == nil {
			g.Skipped[SkipNoCapacity]++
			plan.NoCapacity++
			continue
		}
		s.Take(parts)
		taken[r.number] = true
		g.Texts = append(g.Texts, PlannedText{Number: r.number, Raw: r.raw, Name: t.first, Text: t.text, Parts: parts, SIMID: s.SIM.ID})
		g.Parts += parts
	}
	for _, s := range cap.Rooms() {
		plan.SIMs = append(plan.SIMs, *s)
	}
	return plan, nil
}

// managerParts is how many parts the managers' summary of plan takes at
// most.
func managerParts(plan *Plan) int {
	sent := map[string]int{}
	for _, g := range plan.Groups {
		sent[g.Group] = 9999
	}
	return template.Parts(managerText(plan, sent))
}

// notMobiles returns the numbers that are not mobiles (phone.KindOf), on
// every CPU: only the candidates are asked (numbers neither opted out nor
// texted within the window), since the type check costs regular expressions.
func notMobiles(numbers []string) map[string]bool {
	kinds := make([]phone.Kind, len(numbers))
	workers := min(runtime.GOMAXPROCS(0), len(numbers)/1000+1)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(numbers)/workers, (w+1)*len(numbers)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				kinds[i] = phone.KindOf(numbers[i])
			}
		})
	}
	wg.Wait()
	out := map[string]bool{}
	for i, k := range kinds {
		if !k.Textable() {
			out[numbers[i]] = true
		}
	}
	return out
}
