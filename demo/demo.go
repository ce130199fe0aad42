package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/texting-centre/texting/gateway/gatewaytest"
	"github.com/texting-centre/texting/modem/modemtest"
	"github.com/texting-centre/texting/modem/pdu"
	"github.com/texting-centre/texting/store"
)

// Env is a running demonstration: the database file, the emulated dongles,
// the data source and the gateway double. Close stops them all and removes
// the temporary files.
type Env struct {
	DBPath    string   // the demo database
	Ports     []string // the emulated dongles' serial ports
	SourceURL string   // the campaign data source
	Gateway   string   // the gateway double's API URL

	tmpDir  string
	modems  []*modemtest.Modem
	gw      *gatewaytest.Provider
	src     *http.Server
	closeMu sync.Once
}

// Options say where the demo lives.
type Options struct {
	// DBPath keeps the demo database at this path (created and seeded when
	// new, reused when it is a demo database already); "" makes a temporary one.
	DBPath string
	// Now is the clock for the seeded history; zero means time.Now.
	Now time.Time
}

// Start seeds the database and starts everything the demo needs.
func Start(ctx context.Context, o Options) (env *Env, err error) {
	env = &Env{}
	defer func() {
		if err != nil {
			env.Close()
			env = nil
		}
	}()
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	env.DBPath = o.DBPath
	if env.DBPath == "" {
		if env.tmpDir, err = os.MkdirTemp("", "texting-demo-"); err != nil {
			return env, fmt.Errorf("demo: %w", err)
		}
		env.DBPath = filepath.Join(env.tmpDir, "demo.db")
	}

	env.gw = gatewaytest.New(gatewaytest.WithAccount(GatewayUser, GatewayPass, 500), gatewaytest.WithRegion("GB"))
	env.Gateway = env.gw.URL()

	if err := env.startSource(); err != nil {
		return env, err
	}
	if err := env.startModems(o.Now); err != nil {
		return env, err
	}

	db, err := store.Open(ctx, env.DBPath)
	if err != nil {
		return env, err
	}
	defer db.Close()
	nets, err := db.Networks(ctx)
	if err != nil {
		return env, err
	}
	if len(nets) == 0 {
		if err := Seed(ctx, db, o.Now, env.Gateway); err != nil {
			return env, fmt.Errorf("demo: seed: %w", err)
		}
	} else if err := rewire(ctx, db, env.Gateway); err != nil {
		return env, err
	}
	settings := map[string]string{"api.url": env.SourceURL, "modem.ports": strings.Join(env.Ports, ",")}
	for k, v := range settings {
		if err := db.SetSetting(ctx, k, v); err != nil {
			return env, err
		}
	}
	return env, nil
}

// rewire points a reused demo database at this run's gateway double.
func rewire(ctx context.Context, db *store.DB, gatewayURL string) error {
	sims, err := db.SIMs(ctx)
	if err != nil {
		return err
	}
	for _, s := range sims {
		if s.IsGateway() && s.GatewayUser == GatewayUser {
			s.GatewayURL = gatewayURL
			if err := db.UpdateSIM(ctx, s); err != nil {
				return err
			}
			return nil
		}
	}
	return errors.New("demo: the database exists and is not a demo database; give a new --db path")
}

// campaignData is what the local data source serves: two groups, one of them
// with an opted-out-looking and an invalid number so the plan shows skips.
func campaignData() map[string][][]string {
	return map[string][][]string{
		"Group A": {{"07700 900301", "Alice"}, {"07700 900302", "Bob"}, {"07700 900303", ""}, {"07700 900304", "Chloe"}, {"12345", "Not A Number"}},
		"Group B": {{"07700 900311", "Dara"}, {"07700 900312", "Efe"}, {"07700 900313", "Fatima"}},
		"Group C": {{"07700 900321", "Gus"}},
	}
}

func (env *Env) startSource() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: data source: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/campaign", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(campaignData())
		case http.MethodPost:
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if err := r.ParseForm(); err != nil {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			io.WriteString(w, "OK\n")
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
	env.src = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go env.src.Serve(ln)
	env.SourceURL = "http://" + ln.Addr().String() + "/campaign?key=demo-key"
	return nil
}

// waiting are the new replies on each demo SIM when the demo starts.
func waiting(now time.Time) (o2, voda []string, err error) {
	ts := now.Add(-20 * time.Minute).Truncate(time.Second)
	one := func(from, text string, at time.Time) (string, error) {
		return pdu.EncodeDeliver(from, text, pdu.DeliverOptions{SMSC: "+447785016005", Timestamp: at, Class: -1})
	}
	add := func(list *[]string, from, text string, at time.Time) {
		if err != nil {
			return
		}
		var p string
		p, err = one(from, text, at)
		*list = append(*list, p)
	}
	add(&o2, "+447700900130", "Thanks, sounds good", ts)
	add(&o2, "+447700900131", "Who's this? 🤔", ts.Add(time.Minute))
	add(&o2, "+447700900132", "STOP", ts.Add(2*time.Minute))
	add(&o2, "+447700900133", "Can you ring me after 5", ts.Add(3*time.Minute))
	add(&voda, "+447700900134", "Yes please 👍 what day can you come?", ts.Add(4*time.Minute))
	add(&voda, "+447624900135", "WINNER!! You have been selected for a £900 prize reward. Call 09061701461 to claim", ts.Add(5*time.Minute))
	add(&voda, "Vodafone", "Your Vodafone bill is ready. Log in to My Vodafone to view it.", ts.Add(6*time.Minute))
	if err != nil {
		return nil, nil, err
	}
	long := "Hi, thanks for the message about the boiler service. We had ours done last spring but the " +
		"radiator upstairs still makes a banging noise at night. Could someone have a look at that at the same " +
		"visit? Any weekday after 3pm works for us. Thanks, Sam"
	parts, err := pdu.EncodeDeliverParts("+447700900136", long, 42, ts.Add(7*time.Minute))
	if err != nil {
		return nil, nil, err
	}
	// The network delivers the parts out of order.
	for i := len(parts) - 1; i >= 0; i-- {
		voda = append(voda, parts[i])
	}
	return o2, voda, nil
}

func (env *Env) startModems(now time.Time) error {
	o2, voda, err := waiting(now)
	if err != nil {
		return fmt.Errorf("demo: inbox: %w", err)
	}
	specs := []struct {
		sim   modemtest.SIM
		imei  string
		inbox []string
	}{
		{modemtest.SIM{IMSI: IMSIO2, ICCID: "8944100000000001019", Operator: "O2 - UK", SMSC: "+447802000332"}, "867530900000101", o2},
		{modemtest.SIM{IMSI: IMSIVodafone, ICCID: "8944150000000002028", Operator: "vodafone UK", SMSC: "+447785016005"}, "867530900000202", voda},
	}
	for _, s := range specs {
		m, err := modemtest.New(modemtest.WithSIM(s.sim), modemtest.WithIMEI(s.imei), modemtest.WithInbox(s.inbox...),
			modemtest.WithSendDelay(300*time.Millisecond), modemtest.WithStatusReports(0, 2*time.Second))
		if err != nil {
			return fmt.Errorf("demo: emulated dongle: %w", err)
		}
		env.modems = append(env.modems, m)
		env.Ports = append(env.Ports, m.Path())
	}
	return nil
}

// Close stops the dongles, the data source and the gateway double, and
// removes the temporary database. It is safe to call more than once.
func (env *Env) Close() error {
	env.closeMu.Do(func() {
		for _, m := range env.modems {
			m.Close()
		}
		if env.src != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			env.src.Shutdown(ctx)
			cancel()
		}
		if env.gw != nil {
			env.gw.Close()
		}
		if env.tmpDir != "" {
			os.RemoveAll(env.tmpDir)
		}
	})
	return nil
}
