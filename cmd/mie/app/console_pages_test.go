package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsolePagesInBrowser opens the other pages: the executions list
// (filtered), the start page's editor checking as one types, a machine's
// graph of 100 states, the system page and the docs.
func TestConsolePagesInBrowser(t *testing.T) {
	ctx := browser(t)
	h := newHarness(t)
	a := h.start("pages", Roles{API: true, Executor: true, Worker: true})
	ok := startRun(t, a, "ok", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, `{}`)
	bad := startRun(t, a, "bad", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}`, `{}`)
	waitRun(t, a, ok, 30*time.Second)
	waitRun(t, a, bad, 30*time.Second)

	var rows []string
	run(t, ctx, 30*time.Second, "executions list", chromedp.Navigate(a.URL()+"/ui/#/executions"),
		chromedp.WaitVisible(`tr[data-id="`+ok+`"]`), chromedp.WaitVisible(`tr[data-id="`+bad+`"]`),
		chromedp.SetValue(`select[name=status]`, "FAILED"), chromedp.Click(`form.filters button[type=submit]`),
		chromedp.WaitNotPresent(`tr[data-id="`+ok+`"]`), chromedp.WaitVisible(`tr[data-id="`+bad+`"]`),
		chromedp.Evaluate(`[...document.querySelectorAll('tbody tr[data-id]')].map(r => r.dataset.id)`, &rows))
	if len(rows) != 1 || rows[0] != bad {
		t.Errorf("rows %v with status FAILED, want [%s] (ok is %s)", rows, bad, ok)
	}
	shot(t, ctx, "executions")

	var check string
	run(t, ctx, 30*time.Second, "start page", chromedp.Navigate(a.URL()+"/ui/#/start"),
		chromedp.WaitVisible(`#definition-status[data-valid="true"]`), chromedp.WaitVisible(`#preview svg`),
		chromedp.SendKeys(`#definition`, "}"), chromedp.WaitVisible(`#definition-status[data-valid="false"]`),
		chromedp.Text(`#definition-status`, &check))
	if !strings.Contains(check, "(line 1, column 1)") {
		t.Errorf("the editor's message %q does not say where", check)
	}
	run(t, ctx, 30*time.Second, "start page: States Language", chromedp.SetValue(`#definition`, `{"StartAt":"Nowhere","States":{"A":{"Type":"Succeed"}}}`),
		chromedp.SendKeys(`#definition`, " "), chromedp.Poll(`document.querySelector('#definition-status').textContent.includes('Nowhere')`, nil))
	shot(t, ctx, "start")

	big := startRun(t, a, "big", machineOf(100), `{}`)
	waitRun(t, a, big, 60*time.Second)
	var nodes int
	run(t, ctx, 60*time.Second, "a 100-state machine", chromedp.Navigate(a.URL()+"/ui/#/machines/StateMachine/m-big"),
		chromedp.WaitVisible(`.graph svg`), chromedp.Evaluate(`document.querySelectorAll('g.state').length`, &nodes))
	if nodes != 100 {
		t.Errorf("%d state nodes, want 100", nodes)
	}
	shot(t, ctx, "machine-100")

	run(t, ctx, 30*time.Second, "system", chromedp.Navigate(a.URL()+"/ui/#/system"), chromedp.WaitVisible(`#max-concurrent`),
		chromedp.Poll(`[...document.querySelectorAll('td')].some(td => td.textContent.endsWith('executions'))`, nil))
	shot(t, ctx, "system")
	var title string
	run(t, ctx, 30*time.Second, "docs", chromedp.Navigate(a.URL()+"/ui/docs/console"), chromedp.Text(`main h1`, &title))
	if title != "The web console" {
		t.Errorf("docs page title %q", title)
	}
}

// machineOf is a chain of n Pass states.
func machineOf(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == n-1 {
			fmt.Fprintf(&b, `"S%d":{"Type":"Succeed"}`, i)
		} else {
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Next":"S%d"}`, i, i+1)
		}
	}
	b.WriteString(`}}`)
	return b.String()
}

var _ = context.Background
