-- One row per contact: what happened after the scoring time, for honest evaluation.
-- A lead is evaluated when it existed at as_of and had not already been won by then; it
-- counts as won when a won conversion follows as_of (within var outcome_window_days if set).
-- Conversions without a contact_id credit every contact of their account.
-- With var exclude_lost_before_as_of, a lead lost at or before as_of is decided too: not evaluated.
{%- set within_window = '' -%}
{%- if lead_scoring.setting('outcome_window_days') is not none -%}
    {%- set within_window = 'and converted_at <= '
        ~ dbt.dateadd('day', lead_scoring.setting('outcome_window_days') | int, lead_scoring.as_of()) -%}
{%- endif %}

with contacts as (
    select
        contact_id,
        account_id,
        created_at
    from {{ ref('stg_raw__contacts') }}
),

won as (
    select
        contact_id,
        account_id,
        converted_at
    from {{ ref('stg_raw__conversions') }}
    where outcome = 'won'
),

lost_before as (
    select distinct contact_id
    from {{ ref('stg_raw__conversions') }}
    where
        outcome = 'lost'
        and contact_id is not null
        and converted_at <= {{ lead_scoring.as_of() }}
        and {{ 'true' if var('exclude_lost_before_as_of', false) else 'false' }}
),

contact_won as (
    select
        contacts.contact_id,
        won.converted_at
    from contacts
    inner join won
        on contacts.contact_id = won.contact_id
    union all
    select
        contacts.contact_id,
        won.converted_at
    from contacts
    inner join won
        on
            won.contact_id is null
            and contacts.account_id = won.account_id
),

per_contact as (
    select
        contact_id,
        max(case when converted_at <= {{ lead_scoring.as_of() }} then 1 else 0 end) as won_before_as_of,
        min(case
            when converted_at > {{ lead_scoring.as_of() }} {{ within_window }} then converted_at
        end) as first_won_at
    from contact_won
    group by contact_id
),

labelled as (
    select
        contacts.contact_id,
        contacts.account_id,
        contacts.created_at <= {{ lead_scoring.as_of() }}
        and coalesce(per_contact.won_before_as_of, 0) = 0
        and lost_before.contact_id is null as is_evaluated,
        coalesce(per_contact.won_before_as_of, 0) = 1 as was_won_before_as_of,
        per_contact.first_won_at
    from contacts
    left join per_contact
        on contacts.contact_id = per_contact.contact_id
    left join lost_before
        on contacts.contact_id = lost_before.contact_id
)

select
    contact_id,
    account_id,
    is_evaluated,
    was_won_before_as_of,
    is_evaluated and first_won_at is not null as is_won,
    case when is_evaluated then first_won_at end as first_won_at,
    cast(
        case when is_evaluated then {{ lead_scoring.age_days(lead_scoring.as_of(), 'first_won_at') }} end
        as {{ lead_scoring.type_double() }}
    ) as days_to_won,
    {{ lead_scoring.as_of() }} as scored_at
from labelled
