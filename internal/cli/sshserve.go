package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/activeterm"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/texting-centre/texting/termsafe"
	"github.com/texting-centre/texting/tui"
)

// sshDesk serves the terminal UI over SSH: one program per connection, on
// the same root model as the local terminal, acting as the operator whose
// key let the connection in.
type sshDesk struct {
	env      deskEnv
	keysPath string
	hostKey  string
	idle     time.Duration
	logger   *slog.Logger

	// out takes a line per session and per refused connection (serve's
	// stderr: the journal under systemd), written under mu.
	out io.Writer
	mu  sync.Mutex

	sessions sync.WaitGroup // handlers running, waited for on shutdown
}

// say writes one status line, its outside parts made safe for a terminal.
func (d *sshDesk) say(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintln(d.out, termsafe.Line(fmt.Sprintf("texting serve: ssh: "+format, args...)))
}

// sessionCloser is the session context's key for what releases the
// session's desk; sessionEnd's says how the session ended.
type (
	sessionCloser struct{}
	sessionEnd    struct{}
)

// newSSHDesk returns the SSH desk over env, reading the keys at keysPath on
// every connection (so add-key and rm-key take effect at once) and keeping
// its host key at hostKey (made on first use, mode 0600).
func newSSHDesk(env deskEnv, keysPath, hostKey string, idle time.Duration, out io.Writer) *sshDesk {
	return &sshDesk{env: env, keysPath: keysPath, hostKey: hostKey, idle: idle, logger: env.Logger, out: out}
}

// server builds the wish server: public keys on the list only (no
// password, no keyboard-interactive), a terminal required, no command, no
// subsystem, no forwarding.
func (d *sshDesk) server() (*ssh.Server, error) {
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(d.hostKey),
		wish.WithPublicKeyAuth(d.allowed),
		wish.WithIdleTimeout(d.idle+time.Minute), // a dead connection; the desk itself counts keys
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(d.program, termenv.ANSI256),
			activeterm.Middleware(),
			d.session,
		),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh host key %s: %w", d.hostKey, err)
	}
	// One line per refused connection (not per key tried: a client offers
	// its keys one by one).
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		d.say("connection from %s refused (%v)", conn.RemoteAddr(), err)
	}
	// keygen writes 0600; an older or copied-in key is made private too.
	if err := os.Chmod(d.hostKey, 0o600); err != nil {
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	return srv, nil
}

// allowed is the public-key check: the key must be on the list. It runs
// before any channel is opened, so a stranger never sees a screen.
func (d *sshDesk) allowed(ctx ssh.Context, key ssh.PublicKey) bool {
	keys, err := readStaffKeys(d.keysPath)
	if err != nil {
		d.logger.Error("ssh: authorized keys unreadable; refusing everyone", "err", err)
		return false
	}
	k, ok := staffFor(keys, key)
	if !ok {
		d.logger.Warn("ssh: key refused", "user", ctx.User(), "remote", ctx.RemoteAddr().String(),
			"fingerprint", gossh.FingerprintSHA256(key))
		return false
	}
	d.logger.Debug("ssh: key accepted", "operator", k.Name, "remote", ctx.RemoteAddr().String())
	return true
}

// session is the outermost middleware: it refuses a command ("ssh host ls")
// — the desk is the only thing served — and, once the desk has ended,
// releases what it held.
func (d *sshDesk) session(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		d.sessions.Add(1)
		defer d.sessions.Done()
		if len(s.RawCommand()) > 0 || s.Subsystem() != "" {
			wish.Fatalln(s, "texting: this server serves the Texting Centre desk only; connect without a command")
			return
		}
		next(s)
		if c, ok := s.Context().Value(sessionCloser{}).(func() error); ok {
			c()
		}
		if said, ok := s.Context().Value(sessionEnd{}).(func()); ok {
			said()
		}
	}
}

// program builds one connection's program: the operator is the name the
// session's key has on the list now.
func (d *sshDesk) program(s ssh.Session) *tea.Program {
	keys, err := readStaffKeys(d.keysPath)
	k, ok := staffFor(keys, s.PublicKey())
	if err != nil || !ok {
		wish.Fatalln(s, "texting: your key is no longer on the staff list")
		return nil
	}
	env := sshEnv(s.Environ())
	r := sessionRenderer(s, env)
	ctx := s.Context()
	app, closeApp, err := newDesk(ctx, d.env, r, env.Getenv, k.Name)
	if err != nil {
		d.logger.Error("ssh: desk", "operator", k.Name, "err", err)
		wish.Fatalln(s, "texting: the desk could not open: "+err.Error())
		return nil
	}
	s.Context().SetValue(sessionCloser{}, closeApp)
	d.say("%s connected from %s", k.Name, s.RemoteAddr())
	m := &idleDesk{Model: app, ctx: ctx, idle: d.idle, now: time.Now}
	s.Context().SetValue(sessionEnd{}, func() {
		why := "left"
		if m.timedOut {
			why = fmt.Sprintf("closed after %v with no key pressed", d.idle)
		}
		d.say("%s %s", k.Name, why)
	})
	// Signals are serve's, not the session's: a program that caught serve's
	// SIGTERM would wait for ever to tell its ended event loop.
	return tea.NewProgram(m, append(bm.MakeOptions(s), tea.WithAltScreen(), tea.WithContext(ctx), tea.WithoutSignalHandler())...)
}

// sessionRenderer styles for the session's terminal, from its TERM and
// environment. Unlike wish's MakeRenderer it does not ask the terminal for
// its background: a client that does not answer would have the question
// swallow the operator's first keystroke. The background is taken as dark
// unless COLORFGBG says otherwise.
func sessionRenderer(s ssh.Session, env sshEnv) *lipgloss.Renderer {
	pty, _, _ := s.Pty()
	env = append(env[:len(env):len(env)], "TERM="+pty.Term)
	profile := termenv.WithEnvironment(env)
	r := lipgloss.NewRenderer(s, profile, termenv.WithUnsafe(), termenv.WithColorCache(true))
	if pty.Term == "" || pty.Term == "dumb" {
		r.SetColorProfile(termenv.Ascii)
	}
	dark := true
	if fgbg := env.Getenv("COLORFGBG"); fgbg != "" {
		_, bg, _ := strings.Cut(fgbg, ";")
		dark = bg != "7" && bg != "15"
	}
	r.SetHasDarkBackground(dark)
	return r
}

// sshEnv is an SSH session's environment.
type sshEnv []string

// Environ implements termenv.Environ.
func (e sshEnv) Environ() []string { return e }

// Getenv returns the variable k of the session's environment.
func (e sshEnv) Getenv(k string) string {
	for _, v := range e {
		if name, val, ok := strings.Cut(v, "="); ok && name == k {
			return val
		}
	}
	return ""
}

// serve runs the SSH desk's server srv on ln until ctx ends; then every
// session is closed and waited for.
func (d *sshDesk) serve(ctx context.Context, srv *ssh.Server, ln net.Listener) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		srv.Close()
		d.waitSessions()
		if errors.Is(err, ssh.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("ssh: %w", err)
	case <-ctx.Done():
	}
	srv.Close() // closes the listener and every connection: their programs quit
	<-done
	d.waitSessions()
	return nil
}

// waitSessions waits (a little) for the sessions' handlers to return.
func (d *sshDesk) waitSessions() {
	ended := make(chan struct{})
	go func() { d.sessions.Wait(); close(ended) }()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		d.logger.Warn("ssh: sessions still ending after 5 s")
	}
}

// idleDesk closes a session in which no key was pressed for idle.
type idleDesk struct {
	*tui.Model
	ctx     context.Context // the session's
	idle    time.Duration
	now     func() time.Time
	lastKey time.Time
	// timedOut is set when the desk closed the session for want of keys
	// (read after the program ended).
	timedOut bool
}

// idleCheckMsg asks whether the session has been idle too long.
type idleCheckMsg struct{}

// check asks again after the given time, or never once the session ended:
// the wait must not outlive the session (tea.Tick's would, for as long as
// the idle timeout).
func (m *idleDesk) check(after time.Duration) tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg {
		t := time.NewTimer(after)
		defer t.Stop()
		select {
		case <-t.C:
			return idleCheckMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// Init implements tea.Model.
func (m *idleDesk) Init() tea.Cmd {
	m.lastKey = m.now()
	if m.idle <= 0 {
		return m.Model.Init()
	}
	return tea.Batch(m.Model.Init(), m.check(m.idle))
}

// Update implements tea.Model.
func (m *idleDesk) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg:
		m.lastKey = m.now()
	case idleCheckMsg:
		if left := m.idle - m.now().Sub(m.lastKey); left > 0 {
			return m, m.check(left)
		}
		m.timedOut = true
		return m, tea.Quit
	}
	_, cmd := m.Model.Update(msg)
	return m, cmd
}
