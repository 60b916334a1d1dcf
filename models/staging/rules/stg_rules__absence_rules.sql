select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('rule_id') }} as rule_id,
    {{ lead_scoring.normalized_text('rule_kind') }} as rule_kind,
    {{ lead_scoring.normalized_text('event_type') }} as event_type,
    {{ lead_scoring.normalized_text('response_event_type') }} as response_event_type,
    {{ lead_scoring.normalized_text('match_field') }} as match_field,
    within_days,
    points,
    max_points,
    {{ lead_scoring.clean_text('description') }} as description,
    coalesce(is_active, false) as is_active,
    {%- set group_id = lead_scoring.optional_column(
        lead_scoring.rule_seed('absence_rules'), 'group_id', dbt.type_string()) %}
    {{ lead_scoring.clean_text(group_id) }} as group_id
from {{ lead_scoring.rule_seed('absence_rules') }}
