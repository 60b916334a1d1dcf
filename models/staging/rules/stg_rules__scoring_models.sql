select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('model_name') }} as model_name,
    {{ lead_scoring.clean_text('description') }} as description,
    decay_half_life_days,
    score_floor,
    score_cap,
    coalesce(is_active, false) as is_active,
    -- '|a|b|' like rule value lists; NULL: engagement never resets
    {%- set reset_column = lead_scoring.optional_column(
        lead_scoring.rule_seed('scoring_models'), 'reset_event_types', dbt.type_string()) %}
    {%- set reset_types = lead_scoring.normalized_text(reset_column) %}
    case
        when {{ reset_types }} is not null
            then {{ dbt.concat(["'|'", lead_scoring.regex_replace_all(reset_types, "'\\s*\\|\\s*'", "'|'"), "'|'"]) }}
    end as reset_event_types
from {{ lead_scoring.rule_seed('scoring_models') }}
