package modemtest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Step is one chunk of a captured conversation: what the client wrote (Tx)
// or what the dongle answered (Rx).
type Step struct {
	Tx   bool
	Data string
}

// ParseTranscript reads a transcript: the debug log of --trace-modem (slog
// text or JSON lines with msg=modem-trace, dir=tx|rx and data=...), or
// lines of the form `tx "AT\r"` / `rx "\r\nOK\r\n"` with Go-quoted data.
// Other lines are skipped, so a whole debug log can be given.
func ParseTranscript(r io.Reader) ([]Step, error) {
	var steps []Step
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		st, ok, err := parseStep(line)
		if err != nil {
			return nil, fmt.Errorf("transcript line %d: %w", n, err)
		}
		if ok {
			steps = append(steps, st)
		}
	}
	return steps, sc.Err()
}

func parseStep(line string) (Step, bool, error) {
	switch {
	case strings.HasPrefix(line, "tx ") || strings.HasPrefix(line, "rx "):
		s, err := strconv.Unquote(strings.TrimSpace(line[3:]))
		if err != nil {
			return Step{}, false, err
		}
		return Step{Tx: line[0] == 't', Data: s}, true, nil
	case strings.HasPrefix(line, "{"):
		var rec struct {
			Msg, Dir, Data string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Msg != "modem-trace" {
			return Step{}, false, nil
		}
		return Step{Tx: rec.Dir == "tx", Data: rec.Data}, true, nil
	case strings.Contains(line, "msg=modem-trace"):
		dir := textValue(line, "dir")
		data := textValue(line, "data")
		if dir != "tx" && dir != "rx" {
			return Step{}, false, errors.New("trace record without dir=tx|rx")
		}
		return Step{Tx: dir == "tx", Data: data}, true, nil
	}
	return Step{}, false, nil
}

// textValue reads key=value from a slog text record; a quoted value is
// unquoted.
func textValue(line, key string) string {
	i := strings.Index(line, " "+key+"=")
	if i < 0 {
		return ""
	}
	v := line[i+len(key)+2:]
	if strings.HasPrefix(v, `"`) {
		q, err := strconv.QuotedPrefix(v)
		if err != nil {
			return ""
		}
		s, _ := strconv.Unquote(q)
		return s
	}
	if j := strings.IndexByte(v, ' '); j >= 0 {
		v = v[:j]
	}
	return v
}

// Replayer plays a transcript back as the dongle. What the client writes
// must match the transcript's tx steps, in order and byte for byte (in any
// chunking); each rx step is given once every tx step before it has been
// written, so the dongle's answers keep their place relative to the
// commands, while the client may write before it has read everything (as
// it does after the prompt). It is an io.ReadWriteCloser for modem.New and
// modem.NewDongle.
type Replayer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	steps  []Step
	tx     int    // index of the next tx step to match
	txLeft string // unmatched rest of the tx step before tx
	rx     int    // index of the next rx step to give
	err    error  // first mismatch
	closed bool
}

// Replay makes a Replayer from the steps of a transcript.
func Replay(steps []Step) *Replayer {
	r := &Replayer{steps: append([]Step(nil), steps...)}
	r.cond = sync.NewCond(&r.mu)
	r.tx = r.next(0, true)
	r.rx = r.next(0, false)
	return r
}

// next is the index of the first tx (or rx) step at or after i.
func (r *Replayer) next(i int, tx bool) int {
	for i < len(r.steps) && r.steps[i].Tx != tx {
		i++
	}
	return i
}

// Write checks p against the transcript.
func (r *Replayer) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, io.ErrClosedPipe
	}
	if r.err != nil {
		return 0, r.err
	}
	rest := string(p)
	for rest != "" {
		if r.txLeft == "" {
			if r.tx >= len(r.steps) {
				r.fail(fmt.Errorf("replay: write %q after the end of the transcript", rest))
				return 0, r.err
			}
			r.txLeft = r.steps[r.tx].Data
			r.tx = r.next(r.tx+1, true)
		}
		n := min(len(rest), len(r.txLeft))
		if rest[:n] != r.txLeft[:n] {
			r.fail(fmt.Errorf("replay: wrote %q where the transcript has %q", rest, r.txLeft))
			return 0, r.err
		}
		rest, r.txLeft = rest[n:], r.txLeft[n:]
	}
	r.cond.Broadcast()
	return len(p), nil
}

func (r *Replayer) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.cond.Broadcast()
}

// due reports whether the next rx step may be given: every tx step before
// it has been written in full.
func (r *Replayer) due() bool {
	if r.rx >= len(r.steps) {
		return false
	}
	written := r.tx // first tx step not started
	if r.txLeft != "" {
		// The step before r.tx is being written: it is not done.
		for written--; written >= 0 && !r.steps[written].Tx; written-- {
		}
	}
	return written > r.rx
}

// Read gives the next answer once it is due; at the end of the transcript
// it waits for Close.
func (r *Replayer) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if r.closed {
			return 0, io.EOF
		}
		if r.due() {
			st := &r.steps[r.rx]
			n := copy(p, st.Data)
			if n == len(st.Data) {
				r.rx = r.next(r.rx+1, false)
			} else {
				st.Data = st.Data[n:]
			}
			r.cond.Broadcast()
			return n, nil
		}
		r.cond.Wait()
	}
}

// Close ends the replay.
func (r *Replayer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.cond.Broadcast()
	return nil
}

// Err is the first mismatch between the client and the transcript.
func (r *Replayer) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Done reports whether the whole transcript was played: every tx step
// written and every rx step read.
func (r *Replayer) Done() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tx >= len(r.steps) && r.txLeft == "" && r.rx >= len(r.steps)
}
