"""Tasks (工单): a scenario bound to one subject entity and one worker, with a due date and a
recorded lifecycle."""
