from frontline.cli.app import main

main()
