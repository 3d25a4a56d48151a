package survey_test
import ("os";"fmt";"testing";"path/filepath";"github.com/sipas-vn/sipas/server/survey")
func TestDump(t *testing.T) {
	files, _ := filepath.Glob("testdata/broken/*.yaml")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		_, err := survey.LoadFile(filepath.Base(f), data)
		fmt.Printf("== %s\n%v\n", f, err)
	}
	_, err := survey.Load(os.DirFS("testdata/dupid"))
	fmt.Println(err)
}
