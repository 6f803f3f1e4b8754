"""Money: charge and pay rates, which sessions are billable and for how much, payments."""
