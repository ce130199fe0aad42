// Package demo builds Texting Centre's demonstration: a database with a month
// of realistic history, two emulated Huawei dongles with replies waiting on
// their SIMs, a local campaign data source and a local SMS gateway double, so
// that a newcomer can try every screen with no hardware and no account.
package demo

import (
	"context"
	"fmt"
	"math/rand"
	"time"

	"github.com/texting-centre/texting/classify"
	"github.com/texting-centre/texting/greeting"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
	"github.com/texting-centre/texting/template"
)

// The demo's SIM cards: their IMSIs are what the emulated dongles report, so
// a read-in finds the seeded SIMs.
const (
	IMSIO2       = "234100000000101"
	IMSIVodafone = "234150000000202"
	GatewayUser  = "demo"
	GatewayPass  = "demo-password"
)

// templates are the demo's campaign templates (one per data-source group).
var templates = []store.Template{
	{Name: "Group A", Body: "Hi {name}, our winter boiler service is 20% off this week. Want a visit? Reply STOP to opt out. {greeting}",
		Followup:    "Hi {name}, just checking you saw our boiler offer. Any questions, just reply. {greeting}",
		AltFollowup: "Thanks {name}, we will ring you back today. {greeting}"},
	{Name: "Group B", Body: "Hi {name}, your free home energy check is due. Shall we book you in? Reply STOP to opt out. {greeting}",
		Followup:    "Hi {name}, a quick reminder about your free energy check. {greeting}",
		AltFollowup: "No problem {name}, someone will call you. {greeting}"},
}

// replies are what people answer, by category, as operators see them.
var replies = map[string][]string{
	"Thanks":    {"Thanks", "Thank you!", "Thanks, will have a look", "Cheers", "Thank you 😊", "thanks for letting me know"},
	"End":       {"STOP", "Stop texting me", "unsubscribe", "Please remove me from your list", "STOP!!"},
	"Bot":       {"FREE entry! Win £1000 cash, text WIN to 80086 now", "URGENT! Your number has won a £2000 prize. Call 09061790121", "Your parcel is held, pay the £1.99 fee at dpd-redelivery.example"},
	"Misc":      {"Who is this?", "How much is it?", "What time do you open?", "Is this still on?", "Not now, maybe next month"},
	"Call back": {"Call me please", "Can you ring me after 5", "Yes please call me", "Ring me tomorrow morning"},
}

// novel are replies unlike any the operator categorised, by the template
// they answer: the demo's review queue holds these, so what waits there is
// what the rules cannot sort, and each fits the text it answers.
var novel = map[string][]string{
	"Group A": {"Is the boiler offer still on next week?", "Do you do gas safety certificates too?",
		"Can I pay for the service in instalments?", "Maybe, what does a service cost for a combi?",
		"Is that the same company that did our boiler last year?"},
	"Group B": {"Is the energy check really free?", "We moved house last month, can you check the new one?",
		"Sorry, who gave you my number?", "How long does the energy check take?", "Do I need to be in for the check?"},
}

// story is the last day's campaign texts to the people whose replies wait
// on the demo dongles' SIMs (see waiting in demo.go): each reply answers the
// text it follows. The spam and the network's own text come from numbers
// nobody texted.
var story = []struct {
	number, name, group string
	o2                  bool // sent from (and answered to) the O2 SIM, else Vodafone
}{
	{"+447700900130", "Priya", "Group A", true},
	{"+447700900131", "Owen", "Group B", true},
	{"+447700900132", "Geoff", "Group B", true},
	{"+447700900133", "Rhiannon", "Group A", true},
	{"+447700900134", "Angela", "Group A", false},
	{"+447700900136", "Sam", "Group A", false},
}

var firstNames = []string{"Michael", "Monica", "Gabriela", "Muhammed", "Sergio", "Dean", "Lee", "Rhiannon", "Kim",
	"Geoff", "James", "Angela", "Orchid", "Jo", "Maureen", "Tania", "Richard", "Luka", "Kevin", "Priya", "Owen", "Sian"}

// Seed fills a new database with the demo's networks, SIMs, categories,
// templates and about 30 days of history ending at now. gatewayURL is the
// gateway double's API URL.
func Seed(ctx context.Context, db *store.DB, now time.Time, gatewayURL string) error {
	rng := rand.New(rand.NewSource(7))
	o2, err := db.AddNetwork(ctx, store.Network{Name: "O2", Notes: "Customer service 202 from an O2 phone; top up at o2.co.uk"})
	if err != nil {
		return err
	}
	voda, err := db.AddNetwork(ctx, store.Network{Name: "Vodafone", Notes: "Customer service 191"})
	if err != nil {
		return err
	}
	gw, err := db.AddNetwork(ctx, store.Network{Name: "SMSBCAST", Gateway: true, Notes: "SMS Broadcast (demo double)"})
	if err != nil {
		return err
	}
	simO2, err := db.AddSIM(ctx, store.SIM{NetworkID: o2.ID, Ref: 1, IMSI: IMSIO2, Phone: "+447700900901", DailyLimit: 300, Active: true})
	if err != nil {
		return err
	}
	simVoda, err := db.AddSIM(ctx, store.SIM{NetworkID: voda.ID, Ref: 1, IMSI: IMSIVodafone, Phone: "+447700900902", DailyLimit: 250, Active: true})
	if err != nil {
		return err
	}
	simGW, err := db.AddSIM(ctx, store.SIM{NetworkID: gw.ID, GatewayURL: gatewayURL, GatewayUser: GatewayUser,
		GatewayPassword: GatewayPass, SenderID: "TextCentre", DailyLimit: 1000, Active: true})
	if err != nil {
		return err
	}
	sims := []store.SIM{simO2, simVoda, simGW}

	if _, err := db.AddCategory(ctx, store.Category{Name: "Call back", Followup: store.FollowupAlternative}); err != nil {
		return err
	}
	cats, err := db.Categories(ctx)
	if err != nil {
		return err
	}
	catByName := map[string]store.Category{}
	for _, c := range cats {
		switch c.Role {
		case store.RoleEnd:
			c.AutoReply = "You will not hear from us again. Sorry to have bothered you."
		case store.RoleThanks:
			c.AutoReply = "You're welcome! Any questions, just reply here."
		}
		if c.AutoReply != "" {
			if err := db.UpdateCategory(ctx, c); err != nil {
				return err
			}
		}
		catByName[c.Name] = c
	}
	var tpls []store.Template
	for _, t := range templates {
		t, err := db.AddTemplate(ctx, t)
		if err != nil {
			return err
		}
		tpls = append(tpls, t)
	}
	for k, v := range map[string]string{"quiet.hours": "off", "managers": "+447700900999", "dedupe.days": "180"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			return err
		}
	}

	var msgs []store.Message
	var optOuts []string
	tplByName := map[string]store.Template{}
	for _, t := range tpls {
		tplByName[t.Name] = t
	}
	for i, p := range story {
		tpl, sim := tplByName[p.group], simVoda
		if p.o2 {
			sim = simO2
		}
		at := now.Add(-time.Duration(26-i) * time.Hour)
		text := template.RenderGreeting(template.RenderName(tpl.Body, p.name), greeting.At(at))
		msgs = append(msgs, store.Message{Direction: store.Out, SIMID: sim.ID, Number: p.number, Text: text, At: at,
			Kind: store.KindCampaign, TemplateID: tpl.ID, GroupName: tpl.Name, Name: p.name, State: store.StateDelivered,
			Parts: partsOf(text)})
	}
	person := 200 // the history's numbers: clear of the story's
	for day := 30; day >= 1; day-- {
		base := time.Date(now.Year(), now.Month(), now.Day(), 10, 0, 0, 0, now.Location()).AddDate(0, 0, -day)
		if base.Weekday() == time.Sunday {
			continue
		}
		for i := 0; i < 12+rng.Intn(10); i++ {
			person++
			number := fmt.Sprintf("+4477009%05d", person)
			name := firstNames[rng.Intn(len(firstNames))]
			tpl := tpls[rng.Intn(len(tpls))]
			sim := sims[rng.Intn(2)]
			if rng.Intn(8) == 0 {
				sim = simGW
			}
			at := base.Add(time.Duration(rng.Intn(8*3600)) * time.Second)
			state := store.StateDelivered
			switch r := rng.Intn(40); {
			case r == 0:
				state = store.StateFailed
			case r < 4:
				state = store.StateSent
			case r == 5 && day == 1:
				state = store.StateUnknown
			}
			text := template.RenderGreeting(template.RenderName(tpl.Body, name), greeting.At(at))
			reason := ""
			switch {
			case state == store.StateFailed && sim.IsGateway():
				reason = "BAD: " + number + ": Invalid Number"
			case state == store.StateFailed:
				reason = "+CMS ERROR: 27 (destination out of service)"
			case state == store.StateUnknown:
				reason = "+CMS ERROR: 500 after the text was handed over: outcome unknown"
			}
			msgs = append(msgs, store.Message{Direction: store.Out, SIMID: sim.ID, Number: number, Text: text, At: at,
				Kind: store.KindCampaign, TemplateID: tpl.ID, GroupName: tpl.Name, Name: name, State: state,
				Parts: partsOf(text), Error: reason})
			if state == store.StateFailed {
				continue
			}
			// A reply, a few minutes to hours later. Spam comes from numbers
			// nobody texted, not in answer to a campaign text.
			cat := pickCategory(rng)
			if cat == "Bot" {
				bot := replies["Bot"][rng.Intn(len(replies["Bot"]))]
				rat := at.Add(time.Duration(30+rng.Intn(600)) * time.Minute)
				msgs = append(msgs, store.Message{Direction: store.In, SIMID: sim.ID, Number: fmt.Sprintf("+447624%06d", person),
					Text: bot, At: rat, Kind: store.KindInbound, Norm: classify.Normalize(bot),
					CategoryID: catByName["Bot"].ID, CategoryBy: store.ByOperator})
				cat = "none"
			}
			if cat == "none" {
				// No answer: the basic follow-up two days later.
				if fat := at.AddDate(0, 0, 2); !fat.After(now) {
					ftext := template.RenderGreeting(template.RenderName(tpl.Followup, name), greeting.At(fat))
					msgs = append(msgs, store.Message{Direction: store.Out, SIMID: sim.ID, Number: number, Text: ftext, At: fat,
						Kind: store.KindFollowup, TemplateID: tpl.ID, GroupName: tpl.Name, Name: name, State: store.StateDelivered,
						Parts: partsOf(ftext)})
				}
				continue
			}
			reply := replies[cat][rng.Intn(len(replies[cat]))]
			rat := at.Add(time.Duration(3+rng.Intn(300)) * time.Minute)
			in := store.Message{Direction: store.In, SIMID: sim.ID, Number: number, Text: reply, At: rat,
				Kind: store.KindInbound, Norm: classify.Normalize(reply)}
			recent := rat.After(now.Add(-36 * time.Hour))
			if recent && rng.Intn(3) != 0 && cat != "End" {
				// Left for the operator: texts no rule or memory answers.
				reply = novel[tpl.Name][rng.Intn(len(novel[tpl.Name]))]
				in.Text, in.Norm = reply, classify.Normalize(reply)
			} else {
				in.CategoryID, in.CategoryBy = catByName[cat].ID, store.ByOperator
				if rng.Intn(4) == 0 && cat != "End" {
					in.CategoryBy, in.Confidence, in.HasConf = store.ByModel, 0.9+rng.Float64()/10, true
				}
				if cat == "End" {
					in.CategoryBy = store.ByRule
					optOuts = append(optOuts, number)
				}
			}
			msgs = append(msgs, in)
			// Follow-up two days later for those whose reply asks for one.
			fat := at.AddDate(0, 0, 2)
			if fat.After(now) || cat == "End" || cat == "Bot" {
				continue
			}
			body := tpl.Followup
			if cat == "Call back" {
				body = tpl.AltFollowup
			}
			ftext := template.RenderGreeting(template.RenderName(body, name), greeting.At(fat))
			msgs = append(msgs, store.Message{Direction: store.Out, SIMID: sim.ID, Number: number, Text: ftext, At: fat,
				Kind: store.KindFollowup, TemplateID: tpl.ID, GroupName: tpl.Name, Name: name, State: store.StateDelivered,
				Parts: partsOf(ftext)})
		}
	}
	if err := db.InsertMessages(ctx, msgs); err != nil {
		return err
	}
	for _, n := range optOuts {
		if err := db.AddOptOut(ctx, n, 0); err != nil {
			return err
		}
	}
	return nil
}

// pickCategory picks how a person answers a campaign text: most do not.
func pickCategory(rng *rand.Rand) string {
	if rng.Intn(100) >= 35 {
		return "none"
	}
	switch r := rng.Intn(100); {
	case r < 35:
		return "Thanks"
	case r < 50:
		return "End"
	case r < 62:
		return "Bot"
	case r < 85:
		return "Misc"
	default:
		return "Call back"
	}
}

func partsOf(text string) int { return pdu.Counting(text).Parts }
