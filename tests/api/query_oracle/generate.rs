//! Seeded generation of `$filter` trees and `$orderby` keys over a listing's properties,
//! with literals taken mostly from the rows themselves so that comparisons hit.

use fastrand::Rng;
use time::UtcOffset;

use super::model::{instant, ElementTest, Filter, Kind, Lit, Op, Order, Prop, Row, Term, TextFn};
use super::sets::{NEEDLES, TEXTS};

pub struct Generator<'a> {
    pub rng: Rng,
    pub props: &'a [Prop],
    pub rows: &'a [Row],
}

/// A name in another letter case: properties, enum members and GUIDs are matched ignoring
/// case.
fn recase(rng: &mut Rng, text: &str) -> String {
    match rng.usize(..4) {
        0 => text.to_ascii_uppercase(),
        1 => text.to_ascii_lowercase(),
        _ => text.to_owned(),
    }
}

impl<'a> Generator<'a> {
    fn prop(&mut self) -> Prop {
        self.props[self.rng.usize(..self.props.len())].clone()
    }

    fn row(&mut self) -> &'a Row {
        let rows = self.rows;
        &rows[self.rng.usize(..rows.len())]
    }

    pub fn filter(&mut self, depth: u32) -> Filter {
        let roll = self.rng.usize(..10);
        if depth > 0 && roll < 4 {
            let (a, b) = (self.filter(depth - 1), self.filter(depth - 1));
            return match roll {
                0 | 1 => Filter::And(Box::new(a), Box::new(b)),
                _ => Filter::Or(Box::new(a), Box::new(b)),
            };
        }
        if depth > 0 && roll == 4 {
            return Filter::Not(Box::new(self.filter(depth - 1)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Filter {
        let mut prop = self.prop();
        prop.name = Box::leak(recase(&mut self.rng, prop.name).into_boxed_str());
        match prop.kind {
            Kind::Strings => {
                let value = self.text_literal();
                let test = match self.rng.usize(..4) {
                    0 | 1 => ElementTest::Eq(value),
                    2 => ElementTest::Ne(value),
                    _ => {
                        let which = [TextFn::Contains, TextFn::StartsWith, TextFn::EndsWith]
                            [self.rng.usize(..3)];
                        ElementTest::Text(which, value)
                    }
                };
                Filter::Lambda {
                    prop,
                    every: self.rng.usize(..3) == 0,
                    test,
                }
            }
            Kind::Bool => match self.rng.usize(..4) {
                0 => Filter::IsTrue(prop),
                1 => Filter::True,
                _ => {
                    let op = if self.rng.bool() { Op::Eq } else { Op::Ne };
                    let value = Term::Lit(Lit::Bool(self.rng.bool()));
                    self.compare(Term::Prop(prop), op, value)
                }
            },
            Kind::Text => self.text_atom(prop),
            Kind::Guid => match self.rng.usize(..5) {
                0 => {
                    let haystack = Term::Prop(prop);
                    self.text_function(haystack)
                }
                1 => {
                    let list = (0..self.rng.usize(1..4)).map(|_| self.guid()).collect();
                    Filter::In(Term::Prop(prop), list)
                }
                _ => {
                    let op = self.op();
                    let value = Term::Lit(self.guid());
                    self.compare(Term::Prop(prop), op, value)
                }
            },
            Kind::Instant => {
                let op = self.op();
                let value = self.instant(&prop);
                self.compare(Term::Prop(prop), op, value)
            }
            Kind::Enum(members) => {
                let member = members[self.rng.usize(..members.len())];
                let spelling = member[self.rng.usize(..member.len())];
                let lit = Lit::Enum(recase(&mut self.rng, spelling), member[0]);
                match self.rng.usize(..4) {
                    0 => Filter::In(Term::Prop(prop), vec![lit]),
                    1 => self.text_function(Term::Prop(prop)),
                    _ => {
                        let op = if self.rng.bool() { Op::Eq } else { Op::Ne };
                        self.compare(Term::Prop(prop), op, Term::Lit(lit))
                    }
                }
            }
        }
    }

    fn op(&mut self) -> Op {
        Op::ALL[self.rng.usize(..Op::ALL.len())]
    }

    /// Sometimes with the literal on the left, which the emulator mirrors.
    fn compare(&mut self, left: Term, op: Op, right: Term) -> Filter {
        if self.rng.usize(..4) == 0 {
            let mirrored = match op {
                Op::Gt => Op::Lt,
                Op::Ge => Op::Le,
                Op::Lt => Op::Gt,
                Op::Le => Op::Ge,
                other => other,
            };
            Filter::Compare(right, mirrored, left)
        } else {
            Filter::Compare(left, op, right)
        }
    }

    fn text_literal(&mut self) -> String {
        match self.rng.usize(..5) {
            0 => NEEDLES[self.rng.usize(..NEEDLES.len())].to_owned(),
            1 => {
                let key = self.prop().key;
                let value = self.row().get(key).as_str().unwrap_or("x").to_owned();
                recase(&mut self.rng, &value)
            }
            _ => {
                let text = TEXTS[self.rng.usize(..TEXTS.len())];
                recase(&mut self.rng, text)
            }
        }
    }

    fn text_atom(&mut self, prop: Prop) -> Filter {
        match self.rng.usize(..12) {
            0..=2 => {
                let haystack = self.maybe_folded(prop);
                self.text_function(haystack)
            }
            3 => {
                let list = (0..self.rng.usize(1..4))
                    .map(|_| Lit::Text(self.text_literal()))
                    .collect();
                Filter::In(Term::Prop(prop), list)
            }
            4 if prop.nullable => {
                let op = if self.rng.bool() { Op::Eq } else { Op::Ne };
                self.compare(Term::Prop(prop), op, Term::Lit(Lit::Null))
            }
            5 => {
                // Another text property of the same row: both sides may be null.
                let other = self
                    .props
                    .iter()
                    .filter(|p| matches!(p.kind, Kind::Text))
                    .nth(self.rng.usize(..3))
                    .cloned()
                    .unwrap_or_else(|| prop.clone());
                let op = self.op();
                Filter::Compare(Term::Prop(prop), op, Term::Prop(other))
            }
            6 => {
                // tolower/toupper on both sides: an exact comparison of folded text.
                let folded = self.folded(prop);
                let literal = Term::Lit(Lit::Text(self.text_literal()));
                let literal = match &folded {
                    Term::Lower(_) if self.rng.bool() => Term::Lower(Box::new(literal)),
                    Term::Upper(_) if self.rng.bool() => Term::Upper(Box::new(literal)),
                    _ => literal,
                };
                let op = if self.rng.bool() { Op::Eq } else { self.op() };
                Filter::Compare(folded, op, literal)
            }
            _ => {
                let op = self.op();
                let value = Term::Lit(Lit::Text(self.text_literal()));
                self.compare(Term::Prop(prop), op, value)
            }
        }
    }

    fn folded(&mut self, prop: Prop) -> Term {
        if self.rng.bool() {
            Term::Lower(Box::new(Term::Prop(prop)))
        } else {
            Term::Upper(Box::new(Term::Prop(prop)))
        }
    }

    fn maybe_folded(&mut self, prop: Prop) -> Term {
        if self.rng.usize(..3) == 0 {
            self.folded(prop)
        } else {
            Term::Prop(prop)
        }
    }

    fn text_function(&mut self, haystack: Term) -> Filter {
        let which = [TextFn::Contains, TextFn::StartsWith, TextFn::EndsWith][self.rng.usize(..3)];
        let needle = match self.rng.usize(..3) {
            0 => {
                // A slice of a real value, so that matches happen.
                let key = match &haystack {
                    Term::Prop(prop) => prop.key,
                    _ => "displayName",
                };
                let value: Vec<char> = self.row().get(key).as_str().unwrap_or("").chars().collect();
                let start = self.rng.usize(..=value.len());
                let end = self.rng.usize(start..=value.len());
                recase(&mut self.rng, &value[start..end].iter().collect::<String>())
            }
            _ => NEEDLES[self.rng.usize(..NEEDLES.len())].to_owned(),
        };
        Filter::Text(which, haystack, needle)
    }

    /// A GUID some row has (or none has), in one of the forms a client writes.
    fn guid(&mut self) -> Lit {
        let guid = if self.rng.usize(..6) == 0 {
            "00000000-0000-4000-8000-000000000000".to_owned()
        } else {
            let keys: Vec<&'static str> = self
                .props
                .iter()
                .filter(|p| matches!(p.kind, Kind::Guid))
                .map(|p| p.key)
                .collect();
            let key = keys[self.rng.usize(..keys.len())];
            self.row()
                .get(key)
                .as_str()
                .unwrap_or(super::GENERAL_ID)
                .to_owned()
        };
        let written = match self.rng.usize(..4) {
            0 => guid.to_ascii_uppercase(),
            1 => format!("'{}'", guid.to_ascii_uppercase()),
            2 => format!("'{{{guid}}}'"),
            _ => format!("'{guid}'"),
        };
        Lit::Guid(written, guid)
    }

    /// An instant some row has, sometimes written with another offset, or a far one.
    fn instant(&mut self, prop: &Prop) -> Term {
        let text = match self.row().get(prop.key).as_str() {
            Some(text) if self.rng.usize(..5) > 0 => text.to_owned(),
            _ => "2000-01-01T00:00:00Z".to_owned(),
        };
        let at = instant(&text);
        let written = if self.rng.bool() {
            let offset = UtcOffset::from_hms(self.rng.i8(-12..=12), 0, 0).expect("an offset");
            let shifted = at.to_offset(offset);
            shifted
                .format(&time::format_description::well_known::Rfc3339)
                .expect("formats")
        } else {
            text
        };
        Term::Lit(Lit::Instant(written, at))
    }

    /// Zero to three keys, any case, sometimes `id` itself.
    pub fn order(&mut self) -> Option<Order> {
        let orderable: Vec<Prop> = self.props.iter().filter(|p| p.orderable).cloned().collect();
        let count = self.rng.usize(..4);
        if count == 0 {
            return None;
        }
        let mut keys: Vec<(Prop, bool)> = Vec::new();
        for _ in 0..count {
            let mut prop = orderable[self.rng.usize(..orderable.len())].clone();
            if keys.iter().any(|(seen, _)| seen.key == prop.key) {
                continue;
            }
            prop.name = Box::leak(recase(&mut self.rng, prop.name).into_boxed_str());
            keys.push((prop, self.rng.bool()));
        }
        Some(Order { keys })
    }

    pub fn order_text(&mut self, order: &Order) -> String {
        let items: Vec<String> = order
            .keys
            .iter()
            .map(
                |(prop, descending)| match (descending, self.rng.usize(..3)) {
                    (true, _) => format!("{} desc", prop.name),
                    (false, 0) => format!("{} asc", prop.name),
                    (false, _) => prop.name.to_owned(),
                },
            )
            .collect();
        items.join(",")
    }
}
