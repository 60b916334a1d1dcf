-- One row per (active model, contact): fit and engagement totals as of the scoring time and
-- the total clamped to the model's floor and cap (int_lead_scores adds bands, grades, ranks).
with models as (
    select * from {{ ref('int_active_scoring_models') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

totals as (
    select
        model_id,
        contact_id,
        sum(case when score_part = 'fit' then points else 0 end) as fit_score,
        sum(case when score_part = 'engagement' then points else 0 end) as engagement_score
    from {{ ref('int_lead_score_contributions') }}
    group by model_id, contact_id
),

activity as (
    -- each contact's newest event up to as_of
    select
        contact_id,
        max(occurred_at) as last_activity_at
    from {{ ref('int_contact_recent_events') }}
    group by contact_id
)

select
    models.model_id,
    contacts.contact_id,
    contacts.account_id,
    round(coalesce(totals.fit_score, 0), 6) as fit_score,
    round(coalesce(totals.engagement_score, 0), 6) as engagement_score,
    round(
        case
            when models.score_cap is not null
                and coalesce(totals.fit_score, 0) + coalesce(totals.engagement_score, 0) > models.score_cap
                then models.score_cap
            when models.score_floor is not null
                and coalesce(totals.fit_score, 0) + coalesce(totals.engagement_score, 0) < models.score_floor
                then models.score_floor
            else coalesce(totals.fit_score, 0) + coalesce(totals.engagement_score, 0)
        end, 6
    ) as score,
    activity.last_activity_at
from models
cross join contacts
left join totals
    on models.model_id = totals.model_id and contacts.contact_id = totals.contact_id
left join activity
    on contacts.contact_id = activity.contact_id
