"""The pdf format: LibreOffice prints our .docx (one conversion or a warm pool), made reproducible.

``soffice`` (LibreOffice: finding, the command line, environment, fonts, profile, isolation, errors),
``oneshot`` (one cold conversion), ``pool`` (warm offices) with ``uno_helper`` (run by LibreOffice's
Python), ``reproducible`` (``stable_pdf``), ``fonts`` (the fonts a PDF substituted: RG412 notices),
``writer`` (``render_pdf``).
"""
