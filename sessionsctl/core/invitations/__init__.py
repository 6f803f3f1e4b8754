"""Session invitations: a mailed single-use token that adds its holder to a session as a
learner, instructor or observer (values and tokens in :mod:`.model`, use cases in
:mod:`.service`)."""
