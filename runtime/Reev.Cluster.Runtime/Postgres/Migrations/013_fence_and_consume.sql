-- The fence and the consumption of a turn commit in one statement: a commit with nothing to dead-letter (nearly all of
-- them) ran `SELECT reev_fence(...)` and `SELECT reev_consume(...)` back to back, and each statement of the batch costs
-- its parse, portal and result on top of its work. Same checks in the same order, same errors (RV001, then RV002).
CREATE FUNCTION reev_fence_consume(p_owner text, p_partitions int[], p_epochs bigint[], p_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reev_fence(p_owner, p_partitions, p_epochs);
    PERFORM reev_consume(p_ids);
END $$;
