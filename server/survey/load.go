package survey

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultID is the questionnaire used when a counter or link names none.
const DefaultID = "sipas-dv-2023"

// LoadError is one problem in one definition file, with its position so that
// an operator editing the YAML can jump straight to it.
type LoadError struct {
	File    string
	Line    int // 1-based; 0 when the problem concerns the whole file
	Column  int // 1-based; 0 when unknown (YAML syntax errors give a line only)
	Message string
}

// Error prints file:line:col: message, dropping the parts that are unknown.
func (e LoadError) Error() string {
	switch {
	case e.File == "":
		return e.Message
	case e.Line == 0:
		return e.File + ": " + e.Message
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// LoadErrors is every problem found while loading, sorted by file and position.
type LoadErrors []LoadError

// Error prints one problem per line.
func (es LoadErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es LoadErrors) sort() {
	slices.SortStableFunc(es, func(a, b LoadError) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column), strings.Compare(a.Message, b.Message))
	})
}

// Catalog is the set of questionnaires loaded at start. It is never changed
// afterwards, so it and its definitions are safe to share between goroutines;
// callers must treat the definitions as read-only.
type Catalog struct {
	byID map[string]*Definition
	all  []*Definition
}

// Get returns the questionnaire with the given id.
func (c *Catalog) Get(id string) (*Definition, bool) {
	d, ok := c.byID[id]
	return d, ok
}

// All returns every questionnaire, sorted by id.
func (c *Catalog) All() []*Definition {
	return append([]*Definition(nil), c.all...)
}

// Default returns the DefaultID questionnaire, or the first by id when a
// catalog (typically a test one) does not contain it.
func (c *Catalog) Default() *Definition {
	if d, ok := c.byID[DefaultID]; ok {
		return d
	}
	return c.all[0]
}

// Load reads every *.yaml file at the root of fsys. It reports all problems
// in all files at once, as LoadErrors, so one run of the server (or of
// `go test`) tells an operator everything that needs fixing. Only an
// unreadable fsys gives a plain error.
func Load(fsys fs.FS) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("survey definitions: %w", err)
	}
	var errs LoadErrors
	c := &Catalog{byID: map[string]*Definition{}}
	firstFile := map[string]string{}
	for _, e := range entries {
		if !e.IsDir() && path.Ext(e.Name()) == ".yml" {
			// Easy to type by mistake, and a questionnaire silently missing
			// from the kiosk is worse than a server that will not start.
			errs = append(errs, LoadError{File: e.Name(), Message: `rename to .yaml: only *.yaml files are loaded`})
			continue
		}
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			errs = append(errs, LoadError{File: e.Name(), Message: err.Error()})
			continue
		}
		def, idPos, fileErrs := loadFile(e.Name(), data)
		errs = append(errs, fileErrs...)
		if def == nil || def.ID == "" {
			continue
		}
		if first, dup := firstFile[def.ID]; dup {
			errs = append(errs, idPos.errorf("duplicate survey id %q (first in %s)", def.ID, first))
			continue
		}
		firstFile[def.ID] = e.Name()
		if len(fileErrs) == 0 {
			c.byID[def.ID] = def
			c.all = append(c.all, def)
		}
	}
	if len(firstFile) == 0 && len(errs) == 0 {
		errs = append(errs, LoadError{Message: "no questionnaires (*.yaml) found"})
	}
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	slices.SortFunc(c.all, func(a, b *Definition) int { return strings.Compare(a.ID, b.ID) })
	return c, nil
}

// LoadFile parses and checks one definition; name is used in error positions.
// On problems the error is a LoadErrors.
func LoadFile(name string, data []byte) (*Definition, error) {
	def, _, errs := loadFile(name, data)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	return def, nil
}

// loadFile returns the definition (nil when it could not be built at all),
// where its id was written (for duplicate-id errors) and the problems found.
func loadFile(name string, data []byte) (*Definition, filePos, LoadErrors) {
	d := &nodeDecoder{file: name}
	root, err := parseYAML(data)
	if err != nil {
		return nil, filePos{}, LoadErrors{syntaxError(name, data, err)}
	}
	if root == nil {
		return nil, filePos{}, LoadErrors{{File: name, Message: "file is empty"}}
	}
	def, idPos := d.definition(root)
	if def != nil && len(d.errs) == 0 {
		def.Version = definitionVersion(def)
	}
	return def, idPos, d.errs
}

// parseYAML returns the root node of the only document, nil for an empty file.
func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("yaml: line %d: only one questionnaire per file (remove the \"---\")", extra.Line)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

var (
	syntaxLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)
	// The parser (as opposed to the scanner) reports a 0-based line and none
	// at all on the first line: an off-by-one in yaml v3. These are its
	// problems; a test pins the positions, so a fixed library shows up.
	parserProblem = regexp.MustCompile(`^did not find expected (<stream-start>|<document start>|key|node content|'-' indicator|',' or '\]'|',' or '\}')$`)
)

// syntaxError turns the parser's "yaml: line N: problem" into a positioned
// LoadError. The parser gives no column, so add the hints an operator
// editing by hand most often needs.
func syntaxError(name string, data []byte, err error) LoadError {
	m := syntaxLine.FindStringSubmatch(err.Error())
	if m == nil {
		return LoadError{File: name, Message: "bad YAML: " + err.Error()}
	}
	line, _ := strconv.Atoi(m[1])
	problem := m[2]
	msg := "bad YAML: " + problem
	if parserProblem.MatchString(problem) {
		line++
	}
	if strings.HasPrefix(problem, "did not find expected ',' or") {
		msg += " (a bracket not closed, or text with , : ? # [ ] { } that needs quotes)"
	}
	if lines := bytes.Split(data, []byte("\n")); line >= 1 && line <= len(lines) && bytes.ContainsRune(lines[line-1], '\t') {
		msg += " (indent with spaces, not tabs)"
	}
	return LoadError{File: name, Line: line, Message: msg}
}
