"""The clinical knowledge in the app: referral candidates, muscle pages, the referral API."""
