//! Several people at once, from a CSV file staff made in a spreadsheet.
//!
//! The file is read whole and every row checked before anything is stored: either every row
//! is good and all of them are added together, or nothing is added and the report names each
//! row refused, by its line in the file, and why, so the file can be fixed and sent again. A
//! half-imported file would leave staff guessing which people are in and which are not.
//!
//! The format is the one spreadsheets write ("CSV UTF-8"): a header row naming the columns
//! (`name` is required; `preferred_name`, `pronouns` and `date_of_birth` may follow, in any
//! order), fields separated by commas, a field holding a comma, a quote or a line break
//! written in double quotes with its quotes doubled, lines ending in LF or CRLF, an optional
//! byte-order mark. Text is kept exactly as typed (trimmed); pages escape it when they show it.

use serde::{Deserialize, Serialize};

use super::{NewPerson, Person, PersonId};
use crate::ServiceId;
use crate::calendar::Date;

/// The largest file read: 1 MiB.
pub const MAX_BYTES: usize = 1024 * 1024;
/// The most people added from one file.
pub const MAX_ROWS: usize = 1_000;
/// The columns a file may have, in the order the example shows them.
pub const COLUMNS: [&str; 4] = ["name", "preferred_name", "pronouns", "date_of_birth"];

/// One row refused: its line in the file (where the row starts, counting the header as line 1)
/// and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: usize,
    pub message: String,
}

/// Why nothing was added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The file as a whole can't be read (too large, not text, no header…): what to do.
    File(String),
    /// These rows break a rule; every other row was fine.
    Rows(Vec<RowProblem>),
}

/// A file over [`MAX_BYTES`] (the server stops reading one there).
pub fn too_large() -> Refusal {
    Refusal::File(format!(
        "The file is larger than {} MiB. Split it into smaller files of at most {MAX_ROWS} people each.",
        MAX_BYTES / (1024 * 1024)
    ))
}

/// Reads a CSV file of people for `service`: every person to add (each given an id by
/// `new_id`, with an empty About me and no records), or why nothing may be added. `today` is
/// the UK date now, for dates of birth.
pub fn read(
    bytes: &[u8],
    service: ServiceId,
    today: Date,
    mut new_id: impl FnMut() -> PersonId,
) -> Result<Vec<Person>, Refusal> {
    if bytes.len() > MAX_BYTES {
        return Err(too_large());
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Refusal::File(
            "The file isn't text Circle can read. In your spreadsheet, save it as \"CSV UTF-8\" and choose it again.".into(),
        ));
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = records(text).into_iter().filter(
        |row| !matches!(&row.cells, Ok(cells) if cells.iter().all(|c| c.trim().is_empty())),
    );
    let Some(header) = rows.next() else {
        return Err(Refusal::File(
            "The file is empty. Its first row names the columns: name,preferred_name,pronouns,date_of_birth".into(),
        ));
    };
    let columns = columns(header.cells)?;
    let rows: Vec<Row> = rows.collect();
    if rows.is_empty() {
        return Err(Refusal::File(
            "The file has a header row but nobody under it: add a row for each person.".into(),
        ));
    }
    if rows.len() > MAX_ROWS {
        return Err(Refusal::File(format!(
            "The file has {} people; at most {MAX_ROWS} can be added at once. Split it into smaller files.",
            rows.len()
        )));
    }
    let mut people = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    // Name (ignoring case) and date of birth of each row read, with its line.
    let mut seen: Vec<((String, Option<Date>), usize)> = Vec::new();
    for row in rows {
        let refuse = |message: String| RowProblem {
            line: row.line,
            message,
        };
        let cells = match row.cells {
            Ok(cells) => cells,
            Err(message) => {
                problems.push(refuse(message));
                continue;
            }
        };
        if cells.len() > columns.len() {
            problems.push(refuse(format!(
                "This row has {} cells but the header names {} columns. A name with a comma in it goes in double quotes.",
                cells.len(),
                columns.len()
            )));
            continue;
        }
        let mut fields = NewPerson::default();
        for (column, cell) in columns.iter().zip(cells) {
            *column.field(&mut fields) = cell;
        }
        match fields.check(new_id(), service, today) {
            Ok(person) => {
                let key = (person.name.to_lowercase(), person.date_of_birth);
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                    problems.push(refuse(format!(
                        "The same name and date of birth as line {first}: is this the same person twice?"
                    )));
                } else {
                    seen.push((key, row.line));
                    people.push(person);
                }
            }
            Err(error) => problems.push(refuse(error.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(people)
    } else {
        Err(Refusal::Rows(problems))
    }
}

/// A column of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    PreferredName,
    Pronouns,
    DateOfBirth,
}

impl Column {
    fn named(header: &str) -> Option<Column> {
        let key = header.trim().to_lowercase().replace([' ', '-'], "_");
        Some(match key.as_str() {
            "name" => Column::Name,
            "preferred_name" => Column::PreferredName,
            "pronouns" => Column::Pronouns,
            "date_of_birth" => Column::DateOfBirth,
            _ => return None,
        })
    }

    fn field(self, person: &mut NewPerson) -> &mut String {
        match self {
            Column::Name => &mut person.name,
            Column::PreferredName => &mut person.preferred_name,
            Column::Pronouns => &mut person.pronouns,
            Column::DateOfBirth => &mut person.date_of_birth,
        }
    }
}

/// The columns the header row names, each once, `name` among them.
fn columns(header: Result<Vec<String>, String>) -> Result<Vec<Column>, Refusal> {
    let expected = COLUMNS.join(",");
    let refuse = |why: String| {
        Refusal::File(format!(
            "{why} The first row names the columns, for example: {expected}"
        ))
    };
    let cells = header.map_err(|e| refuse(format!("The header row can't be read: {e}")))?;
    let mut columns = Vec::with_capacity(cells.len());
    for cell in &cells {
        let Some(column) = Column::named(cell) else {
            let shown: String = cell.trim().chars().take(40).collect();
            return Err(refuse(format!(
                "The header names a column Circle doesn't know: \"{shown}\"."
            )));
        };
        if columns.contains(&column) {
            return Err(refuse(format!(
                "The header names the column \"{}\" twice.",
                cell.trim()
            )));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Name) {
        return Err(refuse("The header has no \"name\" column.".to_owned()));
    }
    Ok(columns)
}

/// One record of the file: the line it starts on and its cells, or why it can't be read.
struct Row {
    line: usize,
    cells: Result<Vec<String>, String>,
}

/// Splits `text` into records (RFC 4180, with LF or CRLF line ends). A record that can't be
/// read (a quote left open, text after a closing quote) is reported and reading goes on at the
/// next line.
fn records(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut problem = None;
        loop {
            // At the start of a cell.
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' if chars.peek() == Some(&'"') => {
                            chars.next();
                            cell.push('"');
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\n' => {
                            line += 1;
                            cell.push(c);
                        }
                        c => cell.push(c),
                    }
                }
                if !closed {
                    problem = Some(
                        "A quoted cell is never closed: a double quote is missing from this row or one below it."
                            .to_owned(),
                    );
                    break;
                }
                match chars.peek() {
                    None | Some(',' | '\r' | '\n') => {}
                    Some(_) => {
                        problem = Some(
                            "There is text after a closing double quote. Inside quotes, write a quote as two (\"\")."
                                .to_owned(),
                        );
                        // Skip to the end of the line.
                        while let Some(c) = chars.next_if(|c| *c != '\n') {
                            let _ = c;
                        }
                    }
                }
            } else {
                while let Some(c) = chars.next_if(|c| !matches!(c, ',' | '\r' | '\n')) {
                    cell.push(c);
                }
            }
            cells.push(std::mem::take(&mut cell));
            match chars.next() {
                Some(',') => continue,
                Some('\r') => {
                    chars.next_if_eq(&'\n');
                    line += 1;
                    break;
                }
                Some('\n') => {
                    line += 1;
                    break;
                }
                _ => break,
            }
        }
        rows.push(Row {
            line: start,
            cells: problem.map_or(Ok(cells), Err),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const SERVICE: ServiceId = ServiceId(Uuid::from_u128(7));

    fn today() -> Date {
        Date::new(2026, 5, 1).expect("a real day")
    }

    fn check(text: &str) -> Result<Vec<Person>, Refusal> {
        let mut n = 0;
        read(text.as_bytes(), SERVICE, today(), || {
            n += 1;
            PersonId(Uuid::from_u128(n))
        })
    }

    fn problems(text: &str) -> Vec<(usize, String)> {
        match check(text) {
            Err(Refusal::Rows(rows)) => rows.into_iter().map(|r| (r.line, r.message)).collect(),
            other => panic!("expected refused rows, got {other:?}"),
        }
    }

    fn file_problem(text: &str) -> String {
        match check(text) {
            Err(Refusal::File(message)) => message,
            other => panic!("expected a refused file, got {other:?}"),
        }
    }

    #[test]
    fn every_row_of_a_good_file_becomes_a_person_of_the_service() {
        let people = check(
            "name,preferred_name,pronouns,date_of_birth\n\
             Margaret Okafor,Maggie,she/her,1948-03-21\n\
             Daniel Price,,,\n",
        )
        .expect("a good file");
        assert_eq!(people.len(), 2);
        assert_eq!(people[0].name, "Margaret Okafor");
        assert_eq!(people[0].preferred_name.as_deref(), Some("Maggie"));
        assert_eq!(people[0].pronouns.as_deref(), Some("she/her"));
        assert_eq!(
            people[0].date_of_birth,
            Some(Date::new(1948, 3, 21).expect("a real day"))
        );
        assert_eq!(people[1].preferred_name, None);
        assert_eq!(people[1].date_of_birth, None);
        assert!(people.iter().all(|p| p.service_id == SERVICE));
        assert!(
            people
                .iter()
                .all(|p| p.about_me == crate::AboutMe::default())
        );
        assert_ne!(people[0].id, people[1].id);
    }

    #[test]
    fn quoted_cells_keep_commas_doubled_quotes_and_line_breaks() {
        let people = check(
            "name,preferred_name\r\n\"Price, Daniel\",\"Dan \"\"the man\"\"\"\r\n\"Ann\nLee\",\r\n",
        )
        .expect("a good file");
        assert_eq!(people[0].name, "Price, Daniel");
        assert_eq!(people[0].preferred_name.as_deref(), Some("Dan \"the man\""));
        assert_eq!(people[1].name, "Ann\nLee");
    }

    #[test]
    fn a_byte_order_mark_crlf_and_blank_lines_are_read_as_a_spreadsheet_means_them() {
        let people = check("\u{feff}Name,Date of birth\r\n\r\nZoë Adams,2001-09-14\r\n,\r\n")
            .expect("a good file");
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].name, "Zoë Adams");
    }

    #[test]
    fn columns_may_come_in_any_order_and_be_left_out_but_name_is_needed() {
        let people = check("pronouns,name\nthey/them,Sam Lee\n").expect("a good file");
        assert_eq!(people[0].pronouns.as_deref(), Some("they/them"));
        assert!(file_problem("preferred_name,pronouns\nSam,they\n").contains("no \"name\" column"));
        assert!(file_problem("name,nhs_number\nSam,123\n").contains("\"nhs_number\""));
        assert!(file_problem("name,Name\nSam,Sam\n").contains("twice"));
    }

    #[test]
    fn text_that_looks_like_a_formula_is_kept_as_typed() {
        let people = check("name\n=HYPERLINK(\"x\")\n").expect("a good file");
        assert_eq!(people[0].name, "=HYPERLINK(\"x\")");
    }

    #[test]
    fn every_refused_row_is_reported_with_its_line_and_nothing_is_added() {
        let long = "x".repeat(super::super::NAME_MAX + 1);
        let text = format!(
            "name,date_of_birth\n\
             Good Person,1990-01-01\n\
             ,1990-01-01\n\
             {long},\n\
             Bad Date,1990-02-30\n\
             Not Born Yet,2026-05-02\n\
             good person,1990-01-01\n\
             Bell \u{7} Ringer,\n\
             \"Too, many\",1990-01-01,extra\n"
        );
        let found = problems(&text);
        let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9]);
        assert!(found[0].1.contains("Name can't be empty"));
        assert!(found[1].1.contains("too long"));
        assert!(found[2].1.contains("real date"));
        assert!(found[3].1.contains("future"));
        assert!(found[4].1.contains("line 2"));
        assert!(found[5].1.contains("control character"));
        assert!(found[6].1.contains("3 cells"));
    }

    #[test]
    fn a_row_is_numbered_by_the_line_it_starts_on_even_after_a_cell_with_line_breaks() {
        let found = problems("name,date_of_birth\n\"Ann\nLee\",\n,1990-01-01\n");
        assert_eq!(found[0].0, 4);
    }

    #[test]
    fn a_quote_left_open_or_text_after_a_closing_quote_is_a_refused_row() {
        let found = problems("name\n\"Ann\" Lee\nBob\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 2);
        assert!(found[0].1.contains("after a closing double quote"));
        let found = problems("name\nBob\n\"Ann Lee\n");
        assert_eq!(found[0].0, 3);
        assert!(found[0].1.contains("never closed"));
    }

    #[test]
    fn files_too_large_too_long_empty_or_not_text_are_refused_whole() {
        assert!(file_problem("").contains("empty"));
        assert!(file_problem("\u{feff}\r\n").contains("empty"));
        assert!(file_problem("name\n").contains("nobody under it"));
        let many = format!("name\n{}", "Someone\n".repeat(MAX_ROWS + 1));
        assert!(file_problem(&many).contains("at most 1000"));
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(matches!(
            read(&big, SERVICE, today(), || PersonId(Uuid::nil())),
            Err(Refusal::File(m)) if m.contains("larger than 1 MiB")
        ));
        assert!(matches!(
            read(b"name\n\xff\xfe\n", SERVICE, today(), || PersonId(Uuid::nil())),
            Err(Refusal::File(m)) if m.contains("CSV UTF-8")
        ));
    }
}
