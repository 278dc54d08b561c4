"""Bank transfers (銀行振込): gifts entered in batches, and bank statements imported and matched to donors."""
