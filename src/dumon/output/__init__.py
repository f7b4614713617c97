"""Output: what people read — the digest (`digest`, `stories`, `ranking`), search (`search`,
`suggest`), reports (`report`), exports (`export`)
and mail (`mail`). How each is drawn for a terminal, a file or a mail is `dumon.render`'s.
"""
