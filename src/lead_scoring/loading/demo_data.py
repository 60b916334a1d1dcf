"""Generate deterministic demo data for the raw tables, in DuckDB SQL.

    lead-scoring demo-data --out DIR [--contacts N] [--events M] [--seed S]
                           [--batches B] [--end 2026-06-30] [--format parquet|csv]

With --batches B > 1, DIR/batch_1 ... DIR/batch_B are written, to be loaded in order:
later batches carry late events (old occurred_at), replays of earlier event ids, identities
for anonymous events seen earlier, contact updates and contacts moving account. Every value
comes from hash(seed, row, salt), so the same arguments give the same files on any machine.
Conversions depend on fit and behaviour, so scores can be judged against outcomes.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import click
import duckdb

from lead_scoring.commands import CONTEXT, run
from lead_scoring.loading.raw_schema import RAW_TABLES
from lead_scoring.progress import progress


def pick(options: list[str], expr: str) -> str:
    """SQL choosing one of `options` uniformly by an integer expression."""
    items = ", ".join("'" + o.replace("'", "''") + "'" for o in options)
    return f"list_element([{items}], 1 + cast(({expr}) % {len(options)} as integer))"


def build(con, contacts: int, events: int, seed: int, batches: int, end: str) -> None:
    accounts = max(1, contacts // 8)
    con.execute(f"""
        create macro u(i, s) as (hash(i, s, {seed}) % 1000003) / 1000003.0;
        create macro h(i, s) as hash(i, s, {seed});
        create macro end_ts() as timestamp '{end} 00:00:00';
    """)
    con.execute(f"""
        create table accounts as
        select
            'a' || lpad(cast(i as varchar), 6, '0') as account_id,
            {pick(['Acme', 'Nordic', 'Vistula', 'Bright', 'Orbit', 'Quantum', 'Delta', 'Helios'], "h(i, 'an1')")}
                || ' ' || {pick(['Systems', 'Labs', 'Group', 'Works', 'Partners', 'Digital'], "h(i, 'an2')")}
                || ' ' || cast(i as varchar) as name,
            'acct' || cast(i as varchar) || '.example.com' as domain,
            {pick(['technology', 'software', 'saas', 'manufacturing', 'retail', 'finance', 'healthcare',
                   'education', 'logistics', 'media'], "h(i, 'ind')")} as industry,
            cast(5 + floor(pow(u(i, 'emp'), 3) * 20000) as integer) as employee_count,
            round(1e5 + pow(u(i, 'rev'), 2) * 5e8, 2) as annual_revenue,
            cast(null as varchar) as country,
            cast(null as varchar) as region,
            end_ts() - to_days(cast(700 + floor(u(i, 'acr') * 1500) as integer)) as created_at,
            end_ts() - to_days(cast(floor(u(i, 'aup') * 300) as integer)) as updated_at
        from range({accounts}) t(i)
    """)
    titles = ['Founder', 'Co-Founder & CEO', 'Marketing Manager', 'Sales Director', 'Data Analyst',
              'Software Engineer', 'Head of Analytics', 'Student', 'Consultant', 'VP Sales',
              'IT Manager', 'Operations Director', 'Intern', 'Accountant', 'BI Developer',
              'Product Manager', 'Chief Data Officer', 'Office Assistant']
    con.execute(f"""
        create table contacts as
        with base as (
            select i,
                'c' || lpad(cast(i as varchar), 7, '0') as contact_id,
                case when u(i, 'hasacc') < 0.92 then cast(h(i, 'acc') % {accounts} as integer) end as acc,
                {pick(titles, "h(i, 'title')")} as job_title,
                case when u(i, 'reg') < 0.45 then 'EMEA' when u(i, 'reg') < 0.75 then 'North America'
                     when u(i, 'reg') < 0.9 then 'LATAM' else 'APAC' end as region
            from range({contacts}) t(i)
        )
        select
            b.contact_id,
            'a' || lpad(cast(b.acc as varchar), 6, '0') as account_id,
            lower({pick(['anna', 'jan', 'maria', 'piotr', 'olivia', 'liam', 'sofia', 'noah', 'emma', 'lucas'], "h(i, 'fn')")})
                || '.' || cast(i as varchar) || '@'
                || case when u(i, 'free') < 0.15 then {pick(['gmail.com', 'yahoo.com', 'outlook.com'], "h(i, 'fm')")}
                        when b.acc is null then 'example.org' else a.domain end as email,
            {pick(['Anna', 'Jan', 'Maria', 'Piotr', 'Olivia', 'Liam', 'Sofia', 'Noah', 'Emma', 'Lucas'], "h(i, 'fn')")} as first_name,
            {pick(['Kowalski', 'Nowak', 'Smith', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Silva', "O'Brien", 'Kim'], "h(i, 'ln')")} as last_name,
            b.job_title,
            case when b.job_title similar to '.*(Founder|CEO|Chief|VP).*' then 'C-Level'
                 when b.job_title similar to '.*(Director|Head).*' then 'Director'
                 when b.job_title similar to '.*Manager.*' then 'Manager'
                 when b.job_title in ('Student', 'Intern', 'Office Assistant') then 'Entry'
                 else 'Individual Contributor' end as seniority,
            {pick(['Marketing', 'Sales', 'IT', 'Finance', 'Operations', 'Data'], "h(i, 'dep')")} as department,
            coalesce(a.industry, 'other') as industry,
            a.employee_count as company_size,
            case b.region when 'EMEA' then {pick(['Poland', 'Germany', 'France', 'United Kingdom'], "h(i, 'cty')")}
                          when 'North America' then {pick(['United States', 'Canada'], "h(i, 'cty')")}
                          when 'LATAM' then {pick(['Brazil', 'Mexico'], "h(i, 'cty')")}
                          else {pick(['India', 'Japan', 'Australia'], "h(i, 'cty')")} end as country,
            b.region,
            {pick(['Warszawa', 'Berlin', 'Paris', 'London', 'New York', 'Toronto', 'Sao Paulo', 'Tokyo'], "h(i, 'city')")} as city,
            {pick(['form', 'webinar', 'paid_search', 'organic', 'referral', 'event', 'import'], "h(i, 'src')")} as lead_source,
            u(i, 'consent') < 0.7 as email_consent,
            {pick(['subscriber', 'lead', 'lead', 'marketing_qualified', 'opportunity'], "h(i, 'stage')")} as lifecycle_stage,
            case when u(i, 'own') < 0.3 then 'owner_' || cast(h(i, 'ownid') % 12 as varchar) end as owner_id,
            end_ts() - to_days(cast(30 + floor(u(i, 'created') * 690) as integer))
                - to_seconds(cast(h(i, 'cs') % 86400 as bigint)) as created_at,
            end_ts() - to_days(cast(floor(u(i, 'upd') * 25) as integer)) as updated_at,
            -- latent traits, dropped before writing
            u(i, 'intent') as intent,
            (case when b.job_title similar to '.*(Founder|CEO|Chief|VP|Director|Head).*' then 1.0 else 0.0 end
             + case when a.industry in ('technology', 'software', 'saas') then 0.7 else 0.0 end
             + case when b.region in ('EMEA', 'North America') then 0.5 else -0.5 end) as fit
        from base b
        left join accounts a on a.account_id = 'a' || lpad(cast(b.acc as varchar), 6, '0')
    """)
    con.execute("update contacts set account_id = null where account_id like 'a%' and account_id not in (select account_id from accounts)")
    con.execute("""
        update accounts set region = s.region, country = s.country
        from (select account_id, any_value(region) as region, any_value(country) as country
              from contacts where account_id is not null group by 1) s
        where accounts.account_id = s.account_id
    """)
    con.execute("""
        create table contact_attributes as
        select contact_id, 'decision_maker' as attribute,
               case when fit >= 1.0 and u(contact_id, 'dm') < 0.8 then 'true' else 'false' end as value,
               updated_at
        from contacts where u(contact_id, 'hasdm') < 0.6
        union all
        select contact_id, 'preferred_product',
               case when u(contact_id, 'pp') < 0.5 then 'Analytics' else 'CRM' end, updated_at
        from contacts where u(contact_id, 'haspp') < 0.3
    """)
    # Events: activity is skewed towards high-intent contacts; types follow a realistic mix.
    con.execute(f"""
        create table ev as
        with raw_ev as (
            select i,
                cast(floor({contacts} * pow(u(i, 'who'), 1.7)) as bigint) as ci,
                u(i, 'type') as ut,
                u(i, 'when') as uw
            from range({events}) t(i)
        ), typed as (
            select r.*, c.contact_id, c.created_at, c.intent,
                case
                    when ut < 0.28 then 'email_sent'
                    when ut < 0.28 + 0.17 * (0.5 + intent) then 'email_open'
                    when ut < 0.50 then 'page_view'
                    when ut < 0.50 + 0.08 * (0.5 + intent) then 'email_click'
                    when ut < 0.80 then 'page_view'
                    when ut < 0.84 then 'form_submit'
                    when ut < 0.87 then 'download'
                    when ut < 0.89 then 'webinar_registered'
                    when ut < 0.90 + 0.02 * intent then 'webinar_attended'
                    when ut < 0.915 then case when intent > 0.5 then 'demo_request' else 'page_view' end
                    when ut < 0.93 then case when intent > 0.4 then 'trial_started' else 'email_sent' end
                    when ut < 0.94 then case when intent > 0.3 then 'purchase' else 'cart_abandoned' end
                    when ut < 0.945 then 'unsubscribe'
                    when ut < 0.96 then 'chat'
                    else ' Page_View '
                end as event_type
            from raw_ev r join contacts c on c.contact_id = 'c' || lpad(cast(r.ci as varchar), 7, '0')
        )
        select *,
            case when uw < 0.01 then end_ts() + to_seconds(cast(1 + floor(u(i, 'fut') * 5 * 86400) as bigint))
                 else created_at + to_seconds(cast(floor(uw * (epoch(end_ts()) - epoch(created_at))) as bigint))
            end as occurred_at
        from typed
    """)
    con.execute(f"""
        create table interactions_all as
        select
            'e' || lpad(cast(i as varchar), 10, '0') as event_id,
            case when anon then null else contact_id end as contact_id,
            case when anon then 'anon_' || cast(ci as varchar) || '_' || cast(h(ci, 'dev') % 2 as varchar) end as anonymous_id,
            event_type,
            occurred_at,
            case when event_type like 'email%' then 'email' when event_type in ('webinar_registered', 'webinar_attended') then 'webinar'
                 when event_type = 'chat' then 'chat' else 'web' end as channel,
            {pick(['google', 'linkedin', 'newsletter', 'direct', 'partner'], "h(i, 'source')")} as source,
            'cmp_' || cast(date_diff('week', date '2024-01-01', cast(occurred_at as date)) as varchar) as campaign_id,
            case when event_type like 'email%'
                 then 'em_' || cast(date_diff('week', date '2024-01-01', cast(occurred_at as date)) as varchar)
                      || '_' || cast(h(ci, 'list') % 3 as varchar) end as email_id,
            case when trim(lower(event_type)) = 'page_view' then
                {pick(['https://example.com/', 'https://example.com/pricing', 'https://example.com/blog/scoring-101',
                       'https://example.com/products/analytics', 'https://example.com/products/analytics/tutorial',
                       'https://example.com/products/crm', 'https://example.com/products/crm/tutorial',
                       'https://example.com/docs', 'https://example.com/careers', 'https://example.com/contact'],
                      "h(i, 'url') + cast(intent * 3 as integer)")} end as url,
            case when trim(lower(event_type)) = 'page_view' then round(pow(u(i, 'dur'), 2) * 400, 1) end as duration_seconds,
            case when event_type = 'purchase' then round(100 + u(i, 'amt') * 4900, 2) end as amount,
            case when event_type in ('email_sent', 'email_open', 'email_click', 'page_view', 'webinar_attended',
                                     'webinar_registered', 'download', 'purchase')
                 then {pick(['analytics', 'crm', 'pricing', 'events', 'newsletter', 'bi'], "h(i, 'tag1')")}
                      || case when u(i, 'tag2') < 0.3 then ',' || {pick(['analytics', 'crm', 'webinar'], "h(i, 'tag3')")} else '' end
            end as tags,
            case event_type
                when 'email_click' then '{{"link_type": "' || case when u(i, 'lt') < 0.4 then 'content' else 'link' end || '"}}'
                when 'form_submit' then '{{"form": "' || {pick(['inquiry', 'newsletter', 'contact', 'newsletter'], "h(i, 'form')")} || '"}}'
                when 'demo_request' then '{{"product": "' || {pick(['analytics', 'crm'], "h(i, 'prod')")} || '"}}'
                when 'trial_started' then '{{"product": "' || {pick(['analytics', 'crm'], "h(i, 'prod')")} || '", "plan": "pro"}}'
            end as properties,
            i, ci, anon
        from (select *, (trim(lower(event_type)) = 'page_view' and u(i, 'anon') < 0.08) as anon from ev)
    """)
    # Batches: in time order, plus late events (old occurred_at) and replays landing later.
    con.execute(f"""
        create table interactions_b as
        select * exclude (i, ci, anon),
            case when {batches} = 1 then 1
                 when u(i, 'late') < 0.03 then {batches}
                 else least({batches}, 1 + cast(floor({batches} * (epoch(occurred_at) - epoch(end_ts() - interval 720 day))
                                                  / (epoch(end_ts()) - epoch(end_ts() - interval 720 day))) as integer))
            end as batch
        from interactions_all
    """)
    con.execute(f"""
        insert into interactions_b
        select * exclude (batch), least({batches}, batch + cast(h(event_id, 'rb') % 2 as integer))
        from interactions_b where u(event_id, 'replay') < 0.005
    """)
    # A few unusable rows, as real exports have: they must land in the rejected-rows report.
    con.execute("update interactions_b set event_type = null where u(event_id, 'bad_type') < 0.0005")
    con.execute("update interactions_b set anonymous_id = null where contact_id is null and u(event_id, 'bad_who') < 0.01")
    con.execute(f"""
        create table identities as
        select anonymous_id, 'c' || lpad(cast(min(ci) as varchar), 7, '0') as contact_id,
               max(occurred_at) + interval 1 hour as identified_at,
               case when {batches} = 1 then 1 when u(anonymous_id, 'idb') < 0.5 then {batches} else 1 end as batch
        from interactions_all where anon group by anonymous_id
        having u(anonymous_id, 'known') < 0.8
    """)
    con.execute(f"""
        create table conversions as
        with activity as (
            select ci, count(*) filter (where event_type in ('demo_request', 'trial_started')) as hot,
                   count(*) filter (where event_type in ('webinar_attended', 'form_submit', 'email_click')) as warm,
                   count(*) filter (where url like '%pricing%' or url like '%tutorial%') as pages,
                   max(occurred_at) as last_at
            from interactions_all group by ci
        ), p as (
            select c.contact_id, c.account_id, a.last_at,
                1 / (1 + exp(-(-5.4 + 1.1 * c.fit + 1.2 * ln(1 + coalesce(a.hot, 0)) + 0.5 * ln(1 + coalesce(a.warm, 0))
                              + 0.4 * ln(1 + coalesce(a.pages, 0)) + 1.5 * c.intent))) as p_won
            from contacts c left join activity a on a.ci = cast(substr(c.contact_id, 2) as bigint)
        )
        select 'cv_' || contact_id as conversion_id, contact_id, account_id,
               coalesce(last_at, end_ts() - interval 90 day) + to_days(cast(1 + floor(u(contact_id, 'cd') * 60) as integer)) as converted_at,
               case when u(contact_id, 'won') < p_won then 'won' else 'lost' end as outcome,
               case when u(contact_id, 'won') < p_won then round(1000 + u(contact_id, 'amt') * 49000, 2) end as amount,
               {batches} as batch
        from p where u(contact_id, 'won') < p_won or u(contact_id, 'lost') < 0.1
    """)
    # Later batches also update some contacts: new titles and accounts.
    con.execute(f"""
        create table contacts_b as
        select * exclude (intent, fit), 1 as batch from contacts
        union all by name
        select * exclude (intent, fit, job_title, account_id, updated_at),
               case when u(contact_id, 'nt') < 0.5 then 'Marketing Director' else 'Founder' end as job_title,
               'a' || lpad(cast(h(contact_id, 'mv') % {accounts} as varchar), 6, '0') as account_id,
               end_ts() - interval 1 day as updated_at, {batches} as batch
        from contacts where {batches} > 1 and u(contact_id, 'upd2') < 0.02
    """)


def write(con, out: Path, batches: int, fmt: str) -> dict[str, int]:
    if out.exists():
        shutil.rmtree(out)
    counts: dict[str, int] = {}
    sources = {
        "accounts": "select *, 1 as batch from accounts",
        "contacts": "select * from contacts_b",
        "contact_attributes": "select *, 1 as batch from contact_attributes",
        "interactions": "select * from interactions_b",
        "identities": "select * from identities",
        "conversions": "select * from conversions",
    }
    for b in range(1, batches + 1):
        target = out if batches == 1 else out / f"batch_{b}"
        target.mkdir(parents=True, exist_ok=True)
        for table, sql in sources.items():
            cols = ", ".join(f'"{c}"' for c in RAW_TABLES[table])
            query = f"select {cols} from ({sql}) where batch = {b}"
            n = con.execute(f"select count(*) from ({query})").fetchone()[0]
            if n == 0:
                continue
            path = target / f"{table}.{fmt}"
            opts = "(format parquet)" if fmt == "parquet" else "(format csv, header true)"
            con.execute(f"copy ({query} order by 1) to '{path}' {opts}")
            counts[table] = counts.get(table, 0) + n
    return counts


@click.command("demo-data", context_settings=CONTEXT)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write (replaced).")
@click.option("--contacts", type=click.IntRange(min=1), default=3000, show_default=True)
@click.option("--events", type=click.IntRange(min=1), default=120_000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--batches", type=click.IntRange(min=1), default=1, show_default=True,
              help="With B > 1, DIR/batch_1 ... DIR/batch_B, to be loaded in order.")
@click.option("--end", default="2026-06-30", show_default=True, help="Date the generated history runs up to.")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
def demo_data(out: Path, contacts: int, events: int, seed: int, batches: int, end: str, fmt: str) -> None:
    """Generate deterministic demo data for the raw tables (the same arguments give the same
    files on any machine); later batches carry late events, replays, identities and updates.

    Example: lead-scoring demo-data --out demo_data --contacts 3000 --events 120000 --batches 2
    """
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    # A scratch database file, not an in-memory one: at 100M events the work tables are larger
    # than memory, and only tables in a file can spill to disk.
    with tempfile.TemporaryDirectory(prefix=".generate_", dir=out.parent) as scratch, \
            progress("generating demo data", total=2) as bar:
        con = duckdb.connect(str(Path(scratch) / "generate.duckdb"), config={
            "memory_limit": os.environ.get("LEAD_SCORING_MEMORY_LIMIT", "8GB"),
            "temp_directory": str(Path(scratch) / "spill")})
        try:
            build(con, contacts, events, seed, batches, end)
            bar.advance(description="writing files")
            counts = write(con, out, batches, fmt)
            bar.advance()
        finally:
            con.close()
    click.echo(f"generated {', '.join(f'{t}={n}' for t, n in counts.items())} in "
               f"{time.perf_counter() - started:.1f}s -> {out}")


def main(argv: list[str] | None = None) -> int:
    """The old scripts/generate_demo_data.py entry point."""
    return run(demo_data, argv, "generate_demo_data")
