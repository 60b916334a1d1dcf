select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('tier') }} as tier,
    min_engagement_score
from {{ lead_scoring.rule_seed('engagement_tiers') }}
