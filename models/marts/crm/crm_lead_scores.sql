{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy=lead_scoring.incremental_strategy('delete+insert'),
    full_refresh=false,
    on_schema_change='append_new_columns'
) }}

{#- What reverse-ETL syncs to the CRM: one row per contact for var('crm_model_id').
    A row is rewritten only when a synced value changes (payload_hash), so score_updated_at
    (the start of the build that changed it) is a safe diff watermark for sync tools and for
    scripts/export_crm_changes.py. Grade and tier join the hash only when the model has them,
    so models without fit_grades / engagement_tiers keep their hashes (no re-sync). -#}

with current_scores as (
    select
        scores.contact_id,
        contacts.email,
        cast(round(scores.score, 0) as {{ dbt.type_int() }}) as lead_score,
        scores.fit_score,
        scores.engagement_score,
        scores.band as lead_band,
        scores.is_sales_ready,
        scores.owner_id,
        scores.primary_interest_tag as primary_interest,
        scores.fit_grade,
        scores.engagement_tier,
        scores.matrix_cell
    from {{ ref('fct_lead_scores') }} as scores
    inner join {{ ref('dim_contacts') }} as contacts
        on scores.contact_id = contacts.contact_id
    where scores.model_id = {{ lead_scoring.quoted(lead_scoring.setting('crm_model_id')) }}
),

hashed as (
    select
        *,
        {{ dbt.hash(dbt.concat([
            "coalesce(email, '')", "'|'",
            lead_scoring.as_text('lead_score'), "'|'",
            "coalesce(" ~ lead_scoring.number_text('fit_score') ~ ", '')", "'|'",
            "coalesce(" ~ lead_scoring.number_text('engagement_score') ~ ", '')", "'|'",
            "coalesce(lead_band, '')", "'|'",
            lead_scoring.as_text('is_sales_ready'), "'|'",
            "coalesce(owner_id, '')", "'|'",
            "coalesce(primary_interest, '')",
            "case when fit_grade is null and engagement_tier is null then '' else "
            ~ dbt.concat(["'|'", "coalesce(fit_grade, '')", "'|'", "coalesce(engagement_tier, '')"]) ~ " end"
        ])) }} as payload_hash
    from current_scores
)

select
    hashed.contact_id,
    hashed.email,
    hashed.lead_score,
    hashed.fit_score,
    hashed.engagement_score,
    hashed.lead_band,
    hashed.is_sales_ready,
    hashed.owner_id,
    hashed.primary_interest,
    {{ lead_scoring.run_stamp() }} as score_updated_at,
    hashed.payload_hash,
    hashed.fit_grade,
    hashed.engagement_tier,
    hashed.matrix_cell
from hashed
{%- if is_incremental() %}
left join {{ this }} as synced
    on hashed.contact_id = synced.contact_id
where synced.contact_id is null or synced.payload_hash <> hashed.payload_hash
{%- endif %}
