"""What each finding code means and how to fix it: the text ``bia-hooks explain`` prints.

``MEANINGS`` is the README's table of codes, word for word (tests/test_readme.py checks that the
two agree, so the README and ``explain`` never tell two stories); ``codes.CODES`` has the level,
the kind and the one-line title. ``FIXES`` says what to do, in the words of the findings' fixes.
"""

from __future__ import annotations

from bia_hooks.codes import Kind

# Why the archive cares, by kind: the README's "Findings and their codes", said at length.
WHY = {
    Kind.SERVER: "The archive's server checks this when you submit, and refuses the submission "
    "until it is fixed.",
    Kind.INGEST: "The archive's server accepts it, but its ingest (which turns the file list into "
    "the archive's records) or its curators need it: a submission with it is sent back.",
    Kind.RISKY: "The archive accepts it, but it is likely not what you meant, or it causes "
    "trouble later (on another computer, or in what the archive reads).",
}

# bia-hooks export writes what a cell shows, as text, where the archive would alter the value.
_AS_TEXT = (
    "Or let bia-hooks export write the list (`bia-hooks export LIST --output NEW.xlsx`): it writes "
    "what each such cell shows as text. Or write the list as TSV."
)

_FIX_NAMES = (
    "bia-hooks fix-names --apply renames it and moves its row in the file lists (in pre-commit: "
    "pre-commit run bia-fix-names --hook-stage manual)"
)

MEANINGS = {
    "BIA101": "The path holds characters the archive refuses (anything but letters, digits, `! "
    "- _ . * ' ( )`, space and `/`; non-ASCII letters and look-alikes too).",
    "BIA102": "The archive refuses the form of the path: empty, starting with `./`, containing "
    "`../`, or ending with `/`.",
    "BIA103": "A space in the path: accepted by the server, but the help page's strict reading "
    "forbids it (`names.spaces`).",
    "BIA104": "A file or folder name starts or ends with a space; the archive trims trailing "
    "spaces.",
    "BIA105": "Two spaces in a row; the archive's upload page flags them.",
    "BIA106": "The path starts with `/`: the archive looks for an absolute path and does not "
    "find the file.",
    "BIA107": "Two paths or folders differ only by letter case or Unicode form: they collide on "
    "macOS and Windows.",
    "BIA108": "A Windows device name (`CON`, `NUL`, `COM1`, `LPT1`, ..., also with an extension).",
    "BIA109": "A file or folder name ends in a dot, which Windows drops.",
    "BIA110": "A junk file the operating system made (`.DS_Store`, `Thumbs.db`, `desktop.ini`, "
    "`._*`): no file of the dataset, so it gets no row and no rename. Delete it; in git, "
    "`git rm --cached` it and keep such files out with `.gitignore` lines (`bia-hooks init` "
    "writes them).",
    "BIA111": "An empty, `.` or `..` component (`a//b`, `a/./b`): the archive takes it literally.",
    "BIA112": "A temporary file (`.filelist.tsv.k2x_9abc.tmp`) left over from a write that was "
    "interrupted (a sync or export killed, a full disk): it is no file of the "
    "dataset, so it gets no row and no rename. The file it was written for is whole; "
    "delete the leftover.",
    "BIA115": "The lock file Excel (`~$filelist.xlsx`) or LibreOffice (`.~lock.filelist.xlsx#`) "
    "keeps next to a document it has open (or that a crash left behind): no file of the dataset, "
    "so it gets no row and no rename. Close the document, and the lock file goes with it. "
    "While a file list's lock file is there, `sync`, `restore`, `fix-names` and `export` "
    "refuse to write that list (the program's next save would write over it).",
    "BIA201": "Extension refused: only `.tsv`, `.xlsx`, `.json`, exactly, lower case (`.csv`, "
    "`.xls`, `.TSV`, no dot, a trailing space are refused)",
    "BIA202": "The file list's own name breaks the archive's path rule",
    "BIA203": "The file list is missing, a folder, unreadable, or not an XLSX workbook",
    "BIA204": 'Empty file list: "A file list should contain at least one file"',
    "BIA205": "TSV in UTF-16/UTF-32: the archive reads UTF-8 only",
    "BIA206": "TSV starts with a byte-order mark, so the first header is not `Files`",
    "BIA207": "Header not on the first line (a blank or `#` line before it); XLSX: not starting "
    "at A1",
    "BIA208": 'First column header is not exactly `Files` ("First header value should be '
    'Files"). When `Files` is another column (real workbooks keep it in column N), '
    "the fix is to move that column to A, never to delete the columns before it.",
    "BIA209": "A blank column header, often the trailing tab spreadsheet exports leave",
    "BIA210": "The same column twice (JSON: the same attribute twice in one entry)",
    "BIA211": "Cells past the last column header: the archive drops them silently",
    "BIA212": "Blank lines: the archive skips them",
    "BIA213": "A TSV cell wrapped in quotes: the archive keeps the quotes",
    "BIA214": "A value or column header starts or ends with a space: never trimmed (paths: see "
    "BIA104)",
    "BIA215": "A row starting with `#` is no comment: it is a path, which the archive refuses",
    "BIA216": "Invalid UTF-8 in a path: the bytes become U+FFFD and the path is refused",
    "BIA217": "Invalid UTF-8 in a value: silently altered to U+FFFD",
    "BIA218": "Lines end with CR only: the archive reads them, most tools do not",
    "BIA219": 'A blank path: "Error at row N: File Path is required" (N counts non-blank rows, '
    "header included)",
    "BIA220": "XLSX: the first sheet (the one the archive reads) is hidden",
    "BIA221": "XLSX: the workbook opens on another sheet than the first",
    "BIA222": "XLSX: a number with decimals (or beyond 2147483647) is cut toward zero",
    "BIA223": "XLSX: a date is read as its day number (2024-01-15 → 45306)",
    "BIA224": "XLSX: a boolean is read as 1 or 0",
    "BIA225": "XLSX: an error cell is read as text like `ERROR:  #N/A`",
    "BIA226": "XLSX: a formula without a saved result (written by a script) reads as empty",
    "BIA227": "XLSX: a line break in a cell: the row is split and its second part read as a path",
    "BIA228": 'XLSX: a tab or `"` in a cell: the archive wraps the cell in quotes that stay',
    "BIA229": "XLSX: an `_xHHHH_` escape is decoded (`a_x0023_b` → `a#b`)",
    "BIA230": "XLSX: a row after an empty row looks like a note below the table; it is read as "
    "a file",
    "BIA231": "XLSX: merged cells: only the first holds the value, the others read empty",
    "BIA232": "A TSV file list holds git's conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`): "
    "a merge left it half-resolved, and the archive would read the markers as paths. "
    "The sync leaves the list alone until you keep both sides' rows and delete the "
    "markers.",
    "BIA233": "The file list is beyond a limit of what can be read, named in the message: a "
    "workbook row past 1,048,576 or column past XFD (Excel's last), a part that "
    "inflates more than 100 times (a zip bomb: the archive's reader, Apache POI, "
    "refuses it too), a cell over 32,767 characters, a TSV line over 1,048,576, JSON "
    "nested over 64 deep or a number of over 1,000 digits. Nothing else is read from "
    "it, and the sync leaves it as it is.",
    "BIA234": "Text that is no character: a character reference outside XML's characters "
    "(`&#99999999999999;`, `&#xD800;`), which the archive's XML parser refuses; an "
    '`_xD800_` escape or a JSON `"\\ud800"`, half of a UTF-16 pair. The sync leaves '
    "the list as it is.",
    "BIA240": "JSON the archive's parser refuses: trailing comma, comment, single quotes, NaN",
    "BIA241": "JSON top level is not an array of file entries",
    "BIA242": "JSON entry without a non-empty string `path`",
    "BIA243": "JSON `attributes` not an array of `{name: non-blank string, value: string or "
    "null}` (numbers and booleans refused)",
    "BIA244": "JSON `type` is not a string (or null)",
    "BIA245": "JSON content after the first array is ignored",
    "BIA246": "JSON object with the same key twice: the archive keeps the last. The sync does "
    "not rewrite such a list (it would drop the other with its values): keep one",
    "BIA247": "JSON `path` of spaces only: the archive's parser takes it (unlike a blank TSV "
    "path, BIA219), looks for a file of that name and reports it missing",
    "BIA301": "A path in the file list breaks the archive's path rule; the message names each "
    "refused character and proposes a name",
    "BIA302": "A mandatory column (`Annotation type`, `Source image`) is missing: one finding "
    "for the list",
    "BIA303": "A mandatory value is empty, only spaces, or absent (a TSV row ends before the "
    "column, a JSON entry lacks the attribute)",
    "BIA304": "An annotation type outside the archive's controlled list; the fix names the "
    "value meant",
    "BIA305": "A column spelling only one of the archive's two ingests reads (`source_image`: "
    "not the newer; `sourceImage`: not the older): rename it to `Source image`",
    "BIA306": "The same column under two spellings (`Source image` and `source_image`): the "
    "ingest fails",
    "BIA307": "The same path listed twice (the ingest merges the rows); a warning under `general`",
    "BIA308": "A folder listed together with a path inside it (circular reference), in one list "
    "or across two lists of the dataset (the archive checks all the study's lists at "
    "submission); `data` is not a parent of `data2/x`",
    "BIA309": "A value or column breaks the dataset's extra schema",
    "BIA310": "A source image that is not in the image dataset's file list (`image_dataset` in "
    "the configuration): a wrong path, a letter-case slip (the fix names the right "
    "spelling), or another study's accession.",
    "BIA401": "A DVC-tracked folder is listed as one entry: the list of its files is in the DVC "
    "cache, which this clone does not have. Run `dvc fetch` or `dvc pull`.",
    "BIA402": "A `.dvc` file (or `dvc.lock`) cannot be read (not YAML, no `outs`, an output "
    "without a path or outside the dataset, an `md5` that is not 32 hexadecimal "
    "digits and `.dir`): what it tracks is not listed. Repair it with `dvc add PATH`, "
    "or restore it from git.",
    "BIA403": "A git submodule: its files belong to another repository and are not listed.",
    "BIA404": "Git does not have a file's object (a partial or broken clone): bia-hooks cannot "
    "tell whether it is an annexed file. Fetch the full history.",
    "BIA420": "A file of the dataset is not in the file list that covers it: nobody would know "
    "what it is. `bia-hooks sync` adds its row.",
    "BIA421": "The file list names a path that is not in the dataset (deleted, or renamed: the "
    "message says to what): the archive refuses a list whose files were not uploaded. "
    "`bia-hooks sync` removes the row, or carries it over the rename.",
    "BIA422": "Two file lists name the same file: it would be listed twice. Delete its row from "
    "every list but the one it belongs to; the sync keeps both rows until you do.",
    "BIA423": "No file list names this file and none can take it (no list in a folder above it, "
    "no `include` glob matches): add its row to a list, a list's `include`, or "
    "`ignore`.",
    "BIA424": "A file list named in `.bia-hooks.yaml` does not exist yet: `bia-hooks sync` "
    "creates it.",
    "BIA425": "The dataset has files but no file list; the message says how to start one "
    "(`bia-hooks init`).",
    "BIA426": "No file list names this new file, and two or more could take it (lists side by "
    "side in one folder, or two matching `include` globs): the sync adds it to none "
    "rather than guess. Add its row to the list it belongs to, or give that list an "
    "`include` glob.",
    "BIA427": "A DVC folder's manifest in the local cache names paths outside the folder "
    "(absolute, `../`, or not written plainly): DVC never writes them, so the cache "
    "file is damaged or was put there by hand. They are left out; the folder's other "
    "files are listed. Delete that cache file and run `dvc fetch`.",
    "BIA428": "A file list is a symbolic link (or in a linked folder) that leads outside the "
    "dataset: it is not read, so that no file from elsewhere ends up in a report. "
    "Keep the list itself in the dataset.",
    "BIA501": "`study.yaml` cannot be read: not valid YAML (the line is given), not UTF-8, over "
    "1 MiB, a link out of the dataset, or not a mapping of fields.",
    "BIA502": "A key of `study.yaml` that the archive's template has no field for (often a "
    "misspelling: the fix names the key meant): its value would not reach the "
    "archive.",
    "BIA503": "A field the archive's template requires is missing or empty (title, description, "
    "release date, keywords, a contact's name, e-mail, organisation and role, a "
    "section's title, types, overview, method and file list), or still the template's "
    "`...`.",
    "BIA504": "The study's title is shorter than the 25 characters the archive's form requires.",
    "BIA505": "A value not of the form its field takes: text where a list belongs, a date that "
    "is not YYYY-MM-DD, a DOI, PubMed ID, year or link the form would not take, or "
    "text the archive's TSV page-tab reader would change (a tab, a `\"` in text of "
    "several lines).",
    "BIA506": "The release date is in the past (GMT) or more than two years ahead: the form "
    "takes neither.",
    "BIA507": "An ORCID iD that is not of the form `0000-0002-1825-0097`, or whose check digit "
    "(ISO 7064 MOD 11-2) does not match: a digit typed wrong.",
    "BIA508": "An e-mail address the form refuses (it wants `name@domain.tld`).",
    "BIA509": "A contact's role that is not one of the nine the archive's form offers.",
    "BIA510": "No `image_dataset`: the help page asks for a link to the image dataset the "
    "annotations belong to; or it links another study than the "
    "`image_dataset.accession` of `.bia-hooks.yaml`.",
    "BIA511": "`study.yaml` has no field yet: every line is still a comment of the template "
    "`bia-hooks init` wrote.",
    "BIA512": "A section's annotation type that is not in the archive's controlled list; the "
    "fix names the value meant when one is clear.",
    "BIA513": "An annotation section's `file_list` is not a file list of the dataset (the "
    "archive would not find it), or another section names it too.",
    "BIA514": "A file list of the dataset that no annotation section of `study.yaml` names: the "
    "submission would not describe its files.",
    "BIA515": "Fields the archive's template marks desirable are empty (acknowledgements, "
    "funding, publications, links, a contact's ORCID, a section's criteria, coverage "
    "and confidence).",
    "BIA601": "A file annexed with git-annex whose content is not in this clone (dropped, or "
    "never fetched): the path is tracked, the content is elsewhere. It cannot be "
    "uploaded until it is here, and a file list naming a file that was not uploaded "
    "is refused. Found by `bia-hooks upload-plan`, which prints the command that "
    "fetches it.",
    "BIA602": "A file tracked by DVC that is not in the workspace (not pulled; a fresh clone "
    "has none): it cannot be uploaded until it is here. Found by `bia-hooks "
    "upload-plan`, which prints the command that fetches it.",
    "BIA603": "A symbolic link (not an annexed file) that leads to nothing: there is no content "
    "to upload. Found by `bia-hooks upload-plan`.",
}

FIXES = {
    "BIA101": "Rename the file or folder: the message proposes a name built with the archive's "
    f"own replacement table (`#` -> `-`, `&` -> `Et`, ...). {_FIX_NAMES}.",
    "BIA102": f"Write the path from the root of the upload, without `./`, `../` or a final `/`. "
    f"{_FIX_NAMES}.",
    "BIA103": "Replace the spaces with `_` (with `names.spaces: error` in .bia-hooks.yaml, "
    "fix-names does it), or allow them: `names.spaces: allow`.",
    "BIA104": f"Remove the space at the start or end of the name. {_FIX_NAMES}.",
    "BIA105": f"Write one space (or `_`) instead of two. {_FIX_NAMES}.",
    "BIA106": "Write the path from the root of the upload, without the leading `/`.",
    "BIA107": "Rename one of the two so that they differ by more than letter case (or merge the "
    "two folders); git mv OLD NEW keeps the history.",
    "BIA108": f"Rename it (`CON.tif` -> `CON_.tif`). {_FIX_NAMES}.",
    "BIA109": f"Remove the final dot of the name. {_FIX_NAMES}.",
    "BIA110": "Delete the file. In a git repository, also `git rm --cached FILE`, and keep such "
    "files out with .gitignore lines (bia-hooks init writes them). In a plain folder, delete it "
    "before the upload.",
    "BIA111": f"Remove the empty, `.` or `..` parts of the path (`a//b` -> `a/b`). {_FIX_NAMES}.",
    "BIA112": "Delete the leftover temporary file (`git rm -f` it if it was staged, else `rm`); "
    "the file it was written for is whole.",
    "BIA115": "Close the document in Excel or LibreOffice: its lock file goes with it (delete "
    "one a crash left behind). In a git repository, also `git rm --cached FILE` if it was staged, "
    "and keep lock files out with the .gitignore lines `~$*` and `.~lock.*#` (bia-hooks init "
    "writes them).",
    "BIA201": "Save the file list as .tsv, .xlsx or .json, with that extension in lower case "
    "(bia-hooks export LIST --format tsv --output NEW.tsv converts it).",
    "BIA202": "Rename the file list to a name the archive accepts (letters, digits, `_ - .`), "
    "and change its path in .bia-hooks.yaml.",
    "BIA203": "Check the file list's path, from the root of the upload; an .xlsx must be a real "
    "Excel workbook (not a renamed .xls or .csv).",
    "BIA204": "Add the rows of the list's files (bia-hooks sync does), or delete the file list.",
    "BIA205": "Save the TSV as UTF-8 (bia-hooks export LIST --format tsv --output LIST converts "
    "it in place).",
    "BIA206": "Save the TSV as UTF-8 without a byte-order mark (bia-hooks export LIST --format "
    "tsv --output LIST removes it).",
    "BIA207": "Delete the lines before the header, so that `Files` starts the first line (in a "
    "workbook: cell A1).",
    "BIA208": "Make `Files` the first column header, exactly; when it is another column, move "
    "that column to A (never delete the columns before it).",
    "BIA209": "Give the column a header, or delete it (a trailing tab on the header line makes "
    "one).",
    "BIA210": "Keep one of the two columns (merge their values first).",
    "BIA211": "Give those columns a header, or delete the cells.",
    "BIA212": "Delete the blank lines (nothing is lost: the archive skips them).",
    "BIA213": "Remove the quotes around the cell: a TSV needs none.",
    "BIA214": "Remove the spaces at the start or end of the cell.",
    "BIA215": "Delete the row, or remove the `#`: a file list has no comments.",
    "BIA216": "Save the file list as UTF-8, and check the path against the file's real name.",
    "BIA217": "Save the file list as UTF-8 (LibreOffice: Text CSV, character set Unicode (UTF-8), "
    "tab as separator), then check that the value reads as you meant.",
    "BIA218": "Save the file list with LF (or CRLF) line ends.",
    "BIA219": "Delete the row, or write its file's path.",
    "BIA220": "Unhide the first sheet, or move the sheet with the file list to the first place.",
    "BIA221": "Open the workbook on its first sheet (select it, save), so that you see what the "
    "archive reads.",
    "BIA222": "Format the cells as Text in Excel and type the value again, or type it after an "
    f"apostrophe (`'0.65`): the archive then reads `0.65`. {_AS_TEXT}",
    "BIA223": "Format the cells as Text in Excel and type the date again, or type it after an "
    f"apostrophe (`'2024-01-15`). {_AS_TEXT}",
    "BIA224": "Format the cells as Text in Excel and type `TRUE` or `FALSE` again (or "
    f"`yes`/`no`), or type it after an apostrophe (`'TRUE`). {_AS_TEXT}",
    "BIA225": "Fix the formula, or type the value it should give.",
    "BIA226": "Open the workbook in Excel or LibreOffice and save it (that stores the formulas' "
    "results), or type the values instead of formulas.",
    "BIA227": "Remove the line break from the cell.",
    "BIA228": 'Remove the tab or `"` from the cell.',
    "BIA229": "Write the character itself, not its escape; to keep the text `_xHHHH_` as "
    "written, write the list as TSV, or let bia-hooks export write the workbook (it escapes it).",
    "BIA230": "Delete the empty row inside the table, or move the notes to another sheet.",
    "BIA231": "Unmerge the cells and fill in each one.",
    "BIA232": "Resolve the conflict: keep the rows of both sides, delete the marker lines, "
    "then git add the file list.",
    "BIA233": "Split the file list into several smaller ones, or remove what is beyond the limit "
    "(a stray cell far below or right of the table, a nested JSON structure); the message "
    "names the limit and where it was passed.",
    "BIA234": "Retype the cell: replace the character reference or escape with the character "
    "itself, or remove it.",
    "BIA240": "Write plain JSON: no trailing comma, comment, single quotes or NaN.",
    "BIA241": 'Write an array of entries: [{"path": "a.tif", "attributes": [{"name": "N", '
    '"value": "V"}]}, ...].',
    "BIA242": 'Give the entry a "path": the file\'s path from the root of the upload.',
    "BIA243": 'Write "attributes" as an array of {"name": "...", "value": "..."}, every value '
    'a string ("1", not 1).',
    "BIA244": 'Write "type" as a string ("file" or "directory"), or leave it out.',
    "BIA245": "Delete what follows the array, or move it into the array.",
    "BIA246": "Keep one of the two keys.",
    "BIA247": "Write the file's path in `path`, or delete the entry.",
    "BIA301": "Rename the file to the name the message proposes (bia-hooks fix-names --apply "
    "renames it and its row), or correct the row's path.",
    "BIA302": "Add the column: `Annotation type` or `Source image` (bia-hooks sync adds the "
    "columns its configured defaults fill).",
    "BIA303": "Fill in the cell: for `Annotation type`, one of the archive's types; for "
    "`Source image`, the image the annotation belongs to (its path, S-BIAD123/path, or its "
    "https://www.ebi.ac.uk/biostudies/files/... address). Defaults and a `source_image` rule in "
    ".bia-hooks.yaml fill new rows.",
    "BIA304": "Write the value the message names, one of: class_labels, bounding_boxes, counts, "
    "derived_annotations, geometrical_annotations, graphs, point_annotations, segmentation_mask, "
    "tracks, weak_annotations, other (several separated by commas).",
    "BIA305": "Rename the column to `Source image`, which both ingests read.",
    "BIA306": "Keep one of the two columns, named `Source image` (merge their values first).",
    "BIA307": "Delete one of the two rows (keep the values of both).",
    "BIA308": "List the folder, or the files inside it, not both.",
    "BIA309": "Correct the value as the message says, or change the rule in the extra schema.",
    "BIA310": "Correct the source image to a path of the image dataset's file list (the message "
    "names the spelling meant), or check the accession.",
    "BIA401": "Run `dvc fetch` (downloads into the cache only) or `dvc pull`, then run bia-hooks "
    "again.",
    "BIA402": "Repair the .dvc file with `dvc add PATH`, or restore it from git.",
    "BIA403": "Deposit the submodule's files from its own repository, or add them to this one.",
    "BIA404": "Fetch the full history (git fetch --unshallow, or a clone without --filter).",
    "BIA420": "Run bia-hooks sync (in git, the bia-sync-filelist hook does it at commit: then "
    "stage the file list; with pre-commit alone, pre-commit run bia-sync-filelist --all-files).",
    "BIA421": "Run bia-hooks sync: it removes the row, or carries it over the rename with its "
    "values; a removed row's values are saved for bia-hooks restore.",
    "BIA422": "Delete the file's row from every list but the one it belongs to.",
    "BIA423": "Add its row to a file list, the file to a list's `include` globs, or to `ignore` "
    "in .bia-hooks.yaml.",
    "BIA424": "Run bia-hooks sync: it creates the file list with a row per file it takes.",
    "BIA425": "Run bia-hooks init: it writes a configuration and the first file lists (or prints "
    "what to add to yours).",
    "BIA426": "Add the file's row to the list it belongs to, or give that list an `include` glob "
    "in .bia-hooks.yaml.",
    "BIA427": "Delete the damaged manifest from the DVC cache and fetch it again (`dvc pull`), or "
    "re-add the folder with `dvc add`.",
    "BIA428": "Keep the file list itself in the dataset: replace the link by the file, or point "
    "the configuration at a list inside the dataset.",
    "BIA501": "Correct the YAML at the line given (indentation, a `:` or a quote too many or "
    "too few); keep `study.yaml` a small UTF-8 file in the dataset itself.",
    "BIA502": "Rename the key to the one the fix names, or delete it; the README's 'Study "
    "metadata' section lists every key.",
    "BIA503": "Fill in the field (or replace the `...`); `bia-hooks init` writes a commented "
    "`study.yaml` with every field.",
    "BIA504": "Write a title of 25 characters or more: what was annotated, in which images, "
    "and how.",
    "BIA505": "Write the value as the fix says (a list as `[a, b]`, a date as YYYY-MM-DD, "
    'quotes around text YAML reads as a number); replace a tab with spaces, a `"` in text of '
    "several lines with another quote mark.",
    "BIA506": "Set the day (GMT) the study should become public: today or later, at most two "
    "years ahead. It can be changed after submission.",
    "BIA507": "Copy the iD from the person's ORCID record, as `0000-0002-1825-0097` (without "
    "`https://orcid.org/`).",
    "BIA508": "Write the address as `name@example.org`.",
    "BIA509": "Write one of: corresponding author, data acquisition, data analyst, experiment "
    "performer, first author, investigator, principal investigator, software development, "
    "submitter.",
    "BIA510": "Add `image_dataset: S-BIAD123` (the image study's accession, or its address "
    "https://...), the study `.bia-hooks.yaml` names if it names one.",
    "BIA511": "Uncomment the lines of `study.yaml` and fill them in; until then `check` says "
    "nothing else about it, and `export --submission` refuses.",
    "BIA512": "Write the value the fix names, one or more of: class_labels, bounding_boxes, "
    "counts, derived_annotations, geometrical_annotations, graphs, point_annotations, "
    "segmentation_mask, tracks, weak_annotations, other.",
    "BIA513": "Name a file list of the dataset (the fix lists them), from the dataset root; "
    "give each section its own list.",
    "BIA514": "Add an annotation section with `file_list:` naming the list, or delete the list "
    "if its files are not to be submitted.",
    "BIA515": "Fill in what you know; the archive's form asks for these fields but does not "
    "require them.",
    "BIA601": "Fetch the content from the dataset's root with the command the finding names "
    "(`git annex get PATH`; `git annex whereis PATH` says where it is), then upload.",
    "BIA602": "Fetch the data from the dataset's root with the command the finding names "
    "(`dvc pull TARGET`, or `dvc pull` for everything), then upload.",
    "BIA603": "Restore the file the link names, or delete the link (and its row in the file list).",
}
