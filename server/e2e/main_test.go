package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// sharedBrowser is the one Chromium process of the package run (nil without
// Chromium). Each test opens its tab in a new browser context of it, which
// has its own storage, cookies and service workers, as a fresh profile has;
// starting a process per test cost seconds each on a loaded machine.
var sharedBrowser context.Context

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sipas-e2e-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := seedTemplate(ctx, dir); err != nil {
		fmt.Fprintln(os.Stderr, "seed the demo template:", err)
		return 1
	}
	demoTemplate = dir
	if path := findChromium(); path != "" {
		profile, err := os.MkdirTemp("", "sipas-e2e-chromium-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(profile)
		actx, cancelAlloc := chromedp.NewExecAllocator(ctx, browserFlags(path, profile)...)
		defer cancelAlloc()
		bctx, cancel := chromedp.NewContext(actx)
		defer cancel()
		if err := chromedp.Do(bctx); err != nil {
			fmt.Fprintln(os.Stderr, "start chromium:", err)
			return 1
		}
		sharedBrowser = bctx
	}
	return m.Run()
}
