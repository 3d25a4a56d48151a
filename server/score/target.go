package score

// Verdict says how an index stands against a target, read from its 95%
// interval rather than from the point estimate: a figure a point below
// target on 40 respondents tells nothing, and calling it "below" would
// blame an agency for noise (docs/decisions/0016).
type Verdict string

// Verdicts.
const (
	VerdictUnknown Verdict = "unknown" // no figure or no interval yet
	VerdictMet     Verdict = "met"     // the whole interval is at or above the target
	VerdictBelow   Verdict = "below"   // the whole interval is below the target
	VerdictUnclear Verdict = "unclear" // the interval holds the target: cannot tell yet
)

// TargetVerdict compares an index's 95% interval with a target (percent).
// Each one-sided call errs at most 2.5 % of the time when the index truly
// equals the target (TestTargetVerdictErrorRateBySimulation).
func TargetVerdict(index Figure, ci *Interval, target float64) Verdict {
	switch {
	case !index.Valid || ci == nil:
		return VerdictUnknown
	case ci.Lo >= target:
		return VerdictMet
	case ci.Hi < target:
		return VerdictBelow
	}
	return VerdictUnclear
}
