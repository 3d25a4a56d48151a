package survey_test
import ("fmt";"testing";"github.com/sipas-vn/sipas/server/survey")
func TestDump2(t *testing.T) {
	for _, s := range []string{"a: {b: 1\nc: 2\n", "a: 1\nb: {x: 1\n", "a: 1\nb:\n  - {x: 1\n  - {y: 2}\nc: 3\n", "a: 1\n  b: 2\n", "a: 1\nb: [1, 2\nc: 3\n", "a: 1\nb: \"x\nc: 2", "a: 1\nb: {vi: Hài lòng?}\n", "a: 1\nb: {vi: x?}\n", "a: [x?]\n", "a: {x: a?b}\n"} {
		_, err := survey.LoadFile("f.yaml", []byte(s))
		fmt.Printf("%q\n  %v\n", s, err)
	}
}
