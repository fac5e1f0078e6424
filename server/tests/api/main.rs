//! Server integration tests: the real router on a port-0 listener, over a fresh database built
//! by the real migrations, once on SQLite and once on the machine's PostgreSQL (STYLE §6).
//!
//! Each scenario is written once as `async fn name(backend: Backend)`; `both_backends!` turns it
//! into `name::sqlite` and `name::postgres` tests.

mod helpers;
mod mail_sink;
mod private_postgres;

mod accounts;
mod batches;
mod call_races;
mod call_states;
mod callback_wire;
mod callbacks;
mod calling;
mod card_moves;
mod card_pages_current;
mod card_videos;
mod cards;
mod confirmation;
mod crash_drill;
mod daily_cap;
mod designer;
mod editor_messages;
mod embeds;
mod guild;
mod guild_model;
mod hostile_calls;
mod hostile_html;
mod limits;
mod logs;
mod migrations_up_down;
mod numbers;
mod ownership;
mod pages;
mod rates;
mod reservations;
mod ringing_both;
mod ui_languages;
mod usage;
mod verification;
