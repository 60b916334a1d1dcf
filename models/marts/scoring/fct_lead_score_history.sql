{{ config(
    materialized='incremental',
    unique_key=['model_id', 'contact_id', 'valid_from'],
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    full_refresh=false,
    on_schema_change='append_new_columns'
) }}

{#- Score history (SCD2), one version per (model, contact) and period. A build at a scoring
    time later than every stored version starts a new version only where the band changed or
    the score moved by at least var('history_min_score_change'); the version it replaces is
    closed. Builds at an earlier as_of (point-in-time scoring) leave history alone; rebuild past
    periods with scripts/backfill_history.py. Survives --full-refresh: history cannot be
    recomputed from current attributes. -#}

with scores as (
    select
        scores.model_id,
        scores.contact_id,
        scores.score,
        scores.band,
        scores.is_sales_ready,
        {{ lead_scoring.as_of() }} as scored_at,
        rules_version.rules_version,
        scores.fit_grade,
        scores.engagement_tier,
        scores.matrix_cell
    from {{ ref('int_lead_scores') }} as scores
    cross join {{ ref('int_rules_version') }} as rules_version
)

{% if is_incremental() %}

, latest as (
    select max(valid_from) as latest_valid_from from {{ this }}
),

current_versions as (
    select * from {{ this }}
    where is_current
),

compared as (
    select
        scores.model_id as new_model_id,
        scores.contact_id as new_contact_id,
        scores.score as new_score,
        scores.band as new_band,
        scores.is_sales_ready as new_is_sales_ready,
        scores.scored_at,
        scores.rules_version as new_rules_version,
        scores.fit_grade as new_fit_grade,
        scores.engagement_tier as new_engagement_tier,
        scores.matrix_cell as new_matrix_cell,
        current_versions.fit_grade,
        current_versions.engagement_tier,
        current_versions.matrix_cell,
        current_versions.model_id,
        current_versions.contact_id,
        current_versions.score,
        current_versions.band,
        current_versions.is_sales_ready,
        current_versions.valid_from,
        current_versions.rules_version
    from scores
    full outer join current_versions
        on
            scores.model_id = current_versions.model_id
            and scores.contact_id = current_versions.contact_id
    cross join latest
    where
        {{ lead_scoring.as_of() }} > coalesce(latest.latest_valid_from, {{ lead_scoring.timestamp_literal('1900-01-01') }})
        and (
            current_versions.contact_id is null
            or scores.contact_id is null
            or scores.band <> current_versions.band
            or coalesce(scores.fit_grade, '') <> coalesce(current_versions.fit_grade, '')
            or coalesce(scores.engagement_tier, '') <> coalesce(current_versions.engagement_tier, '')
            or abs(scores.score - current_versions.score) >= {{ lead_scoring.setting('history_min_score_change') }}
        )
),

changes as (
    -- the version that ends now
    select
        model_id,
        contact_id,
        score,
        band,
        is_sales_ready,
        valid_from,
        {{ lead_scoring.as_of() }} as valid_to,
        false as is_current,
        rules_version,
        fit_grade,
        engagement_tier,
        matrix_cell
    from compared
    where contact_id is not null

    union all

    -- the version that starts now
    select
        new_model_id as model_id,
        new_contact_id as contact_id,
        new_score as score,
        new_band as band,
        new_is_sales_ready as is_sales_ready,
        scored_at as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_to,
        true as is_current,
        new_rules_version as rules_version,
        new_fit_grade as fit_grade,
        new_engagement_tier as engagement_tier,
        new_matrix_cell as matrix_cell
    from compared
    where new_contact_id is not null
)

select * from changes

{% else %}

select
    model_id,
    contact_id,
    score,
    band,
    is_sales_ready,
    scored_at as valid_from,
    cast(null as {{ dbt.type_timestamp() }}) as valid_to,
    true as is_current,
    rules_version,
    fit_grade,
    engagement_tier,
    matrix_cell
from scores

{% endif %}
