package app

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// consoleMachine has a Choice, a Map over a real HTTP function, a Task
// whose function fails, is retried once and is then caught, and a Task
// that succeeds on its second attempt; Skip is never reached.
const consoleMachine = `{"StartAt":"Pick","States":{
	"Pick":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"Each"}],"Default":"Skip"},
	"Each":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.each",
		"ItemProcessor":{"StartAt":"Greet","States":{"Greet":{"Type":"Task",
			"Resource":"arn:aws:lambda:us-east-1:123456789012:function:greet","End":true}}},"Next":"Boom"},
	"Boom":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:boom",
		"Retry":[{"ErrorEquals":["ValueError"],"IntervalSeconds":1,"MaxAttempts":1}],
		"Catch":[{"ErrorEquals":["ValueError"],"ResultPath":"$.boom","Next":"Flaky"}],"Next":"Flaky"},
	"Flaky":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:flaky",
		"Retry":[{"ErrorEquals":["Throttled"],"IntervalSeconds":1,"MaxAttempts":2}],"ResultPath":"$.flaky","Next":"Done"},
	"Skip":{"Type":"Pass","Next":"Done"},
	"Done":{"Type":"Succeed"}}}`

// TestConsoleInBrowser drives the console in Chromium against a running
// app: the execution page shows every state's status, a click on a state
// shows its output, a running execution is stopped from its page.
func TestConsoleInBrowser(t *testing.T) {
	ctx := browser(t)
	h := newHarness(t)
	a := h.start("console", Roles{API: true, Executor: true, Worker: true})
	l := newLambdas(t)
	for _, fn := range []string{"greet", "boom", "flaky"} {
		putFunction(t, a, fn, l.url(fn), 0)
	}
	id := startRun(t, a, "console", consoleMachine, `{"n":2,"items":[{"name":"a","n":1},{"name":"b","n":2}],"who":"x"}`)
	x := waitRun(t, a, id, 60*time.Second)
	if x.Run.Status != "SUCCEEDED" {
		t.Fatalf("run %s: %s %s", x.Run.Status, x.Run.Error, x.Run.Cause)
	}

	run(t, ctx, 30*time.Second, "open the execution", chromedp.Navigate(a.URL()+"/ui/#/execution/"+id),
		chromedp.WaitVisible(`g.state[data-state="Done"][data-status="succeeded"]`))
	want := map[string]string{"Pick": "succeeded", "Each": "succeeded", "Greet": "succeeded", "Boom": "caught",
		"Flaky": "retried", "Skip": "not-started", "Done": "succeeded"}
	var got map[string]string
	run(t, ctx, 10*time.Second, "read the statuses", chromedp.Evaluate(
		`Object.fromEntries([...document.querySelectorAll('g.state')].map(g => [g.dataset.state, g.dataset.status]))`, &got))
	if !maps.Equal(got, want) {
		t.Errorf("data-status by state = %v, want %v", got, want)
	}
	shot(t, ctx, "execution")

	var output, retries string
	run(t, ctx, 20*time.Second, "click Flaky", chromedp.Click(`g.state[data-state="Flaky"]`),
		chromedp.WaitVisible(`#state-name`), chromedp.Poll(`document.querySelector('#state-name').textContent === 'Flaky'`, nil),
		chromedp.Text(`#state-output`, &output), chromedp.Text(`dd[data-fact="Retries"]`, &retries))
	if !strings.Contains(output, `"flaky": "recovered"`) || retries != "1" {
		t.Errorf("Flaky's output %q with %s retries, want its result and 1 retry", output, retries)
	}
	run(t, ctx, 20*time.Second, "click Boom with the keyboard", chromedp.Focus(`g.state[data-state="Boom"]`),
		chromedp.KeyEvent("\r"), chromedp.Poll(`document.querySelector('#state-name').textContent === 'Boom'`, nil),
		chromedp.Text(`#state-output`, &output))
	if !strings.Contains(output, `"Error": "ValueError"`) {
		t.Errorf("Boom's output (the caught error) = %q", output)
	}
	shot(t, ctx, "state")
	run(t, ctx, 20*time.Second, "phone width", chromedp.Emulate(device.IPhone13),
		chromedp.Navigate(a.URL()+"/ui/#/execution/"+id), chromedp.WaitVisible(`g.state[data-state="Done"][data-status="succeeded"]`))
	shot(t, ctx, "phone")
	run(t, ctx, 10*time.Second, "desktop width", chromedp.Emulate(device.Reset), chromedp.EmulateViewport(1280, 800))

	testStopFromPage(t, ctx, a)
}

// testStopFromPage stops a waiting execution with the page's Stop button.
func testStopFromPage(t *testing.T, ctx context.Context, a *App) {
	id := startRun(t, a, "stop", `{"StartAt":"Hold","States":{"Hold":{"Type":"Wait","Seconds":600,"End":true}}}`, `{}`)
	run(t, ctx, 30*time.Second, "open the running execution", chromedp.Navigate(a.URL()+"/ui/#/execution/"+id),
		chromedp.WaitVisible(`g.state[data-state="Hold"][data-status="running"]`),
		chromedp.WaitEnabled(`#stop`), chromedp.Click(`#stop`),
		chromedp.WaitVisible(`g.state[data-state="Hold"][data-status="aborted"]`),
		chromedp.WaitVisible(`#execution-status [data-badge="aborted"]`))
	x := waitRun(t, a, id, 10*time.Second)
	if x.Run.Status != "ABORTED" {
		t.Errorf("stopped execution is %s, want ABORTED", x.Run.Status)
	}
	shot(t, ctx, "stopped")
	_ = fmt.Sprint
}
